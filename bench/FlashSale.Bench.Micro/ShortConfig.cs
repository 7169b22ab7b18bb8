using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Exporters;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace FlashSale.Bench.Micro;

/// <summary>
/// A short job, in process: no generated project to build (it would inherit this repo's
/// warnings-as-errors), a few iterations each, so the whole suite runs in under three minutes.
/// Good for orders of magnitude and regressions of 2× or more, not for 5% differences.
/// </summary>
public static class ShortConfig
{
    public static IConfig Create() => ManualConfig.CreateMinimumViable()
        .AddJob(Job.Default
            .WithToolchain(InProcessEmitToolchain.Instance)
            .WithLaunchCount(1)
            .WithWarmupCount(2)
            .WithIterationCount(5)
            .WithIterationTime(Perfolizer.Horology.TimeInterval.FromMilliseconds(250)))
        .AddDiagnoser(MemoryDiagnoser.Default)
        .AddExporter(MarkdownExporter.GitHub)
        .WithOptions(ConfigOptions.JoinSummary);
}
