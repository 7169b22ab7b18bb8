using FlashSale.Drill.Cli;
using FlashSale.Drill.Reporting;

namespace FlashSale.Drill.Tests;

/// <summary>
/// <c>--max-p50</c> and <c>--max-p99</c>: a latency objective judged on the flood's answers, its own exit code (4) that a
/// violated invariant (1) wins over, the responses CSV written for digging, and the summary saying which one was missed.
/// </summary>
public sealed class LatencyObjectiveTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("drill-slo-").FullName;

    private static DrillOptions Seed => DrillOptions.ForPreset(Preset.Seed) with { AdminPassword = "pw", Quiet = true };

    // No answer, even from an in-memory server, comes within a microsecond (the histogram's floor): a sure miss.
    private static readonly TimeSpan Impossible = TimeSpan.FromMicroseconds(1);

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task AMissedObjective_ExitsFour_WritesTheResponses_AndSaysWhichOne()
    {
        var directory = Path.Combine(_root, "out");
        using var http = new HttpClient(new FakeFlashSaleServer());

        var report = await DrillRunner.RunAsync(Seed with { MaxP99 = Impossible, OutputDirectory = directory }, http, TestContext.Token);

        Assert.True(report.Passed);
        Assert.False(report.ObjectivesMet);
        Assert.Equal(DrillReport.ObjectiveMissedExitCode, report.ExitCode);
        var p99 = Assert.Single(report.Objectives);
        Assert.Equal(("p99", 1L, 50L), (p99.Percentile, p99.LimitMicros, p99.Answers));
        // Exact, where the summary's row is the histogram's bucket top (at most 0.1% above).
        Assert.InRange(p99.MeasuredMicros, report.Latency.P99Micros * 999 / 1000, report.Latency.P99Micros);
        Assert.Contains(report.Files, f => f.EndsWith("-responses.csv", StringComparison.Ordinal));
        var markdown = await File.ReadAllTextAsync(report.Files.Single(f => f.EndsWith(".md", StringComparison.Ordinal)), TestContext.Token);
        Assert.Contains("PASS (latency objective missed)", markdown, StringComparison.Ordinal);
        Assert.Contains($"| p99 {LatencySummary.Ms(p99.MeasuredMicros)} > 0.001 ms | **no** |", markdown, StringComparison.Ordinal);

        using var text = new StringWriter();
        SummaryRenderer.Write(ReportOutputTests.PlainConsole(text), report);
        Assert.Contains("Latency objective missed (exit 4): p99 ", text.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task MetObjectives_ExitZero()
    {
        using var http = new HttpClient(new FakeFlashSaleServer());

        var report = await DrillRunner.RunAsync(Seed with { MaxP50 = TimeSpan.FromSeconds(30), MaxP99 = TimeSpan.FromSeconds(30) }, http,
            TestContext.Token);

        Assert.Equal(0, report.ExitCode);
        Assert.Equal(["p50", "p99"], report.Objectives.Select(o => o.Percentile));
        Assert.All(report.Objectives, o => Assert.True(o.Met, o.Describe()));
    }

    [Fact]
    public async Task AViolatedInvariant_WinsOverAMissedObjective()
    {
        using var http = new HttpClient(new FakeFlashSaleServer(FakeServerBug.Oversell));

        var report = await DrillRunner.RunAsync(Seed with { MaxP99 = Impossible }, http, TestContext.Token);

        Assert.False(report.ObjectivesMet);
        Assert.Equal(1, report.ExitCode);
    }

    [Fact]
    public void AFloodWithNoAnswer_MeetsNoObjective()
    {
        var nothing = LatencyObjective.Judge(Seed with { MaxP99 = TimeSpan.FromSeconds(1) }, []);

        var p99 = Assert.Single(nothing);
        Assert.False(p99.Met);
        Assert.Contains("no request was answered", p99.Describe(), StringComparison.Ordinal);
    }

    [Fact]
    public void NoObjectiveAskedFor_NoneIsJudged() =>
        Assert.Empty(LatencyObjective.Judge(Seed, Times(10, 2_000)));

    /// <summary>
    /// Exact at the limit, both ways. Judged from the histogram, 49,990 µs read as 50,015 µs (the top of its bucket) and
    /// missed a 50 ms objective; judged by buckets, 50,010 µs met it.
    /// </summary>
    [Theory]
    [InlineData(49_990, true, "p99 49.99 ms ≤ 50 ms")]
    [InlineData(50_000, true, "p99 50 ms ≤ 50 ms")]
    [InlineData(50_010, false, "p99 50.01 ms > 50 ms")]
    public void AnswersAtTheLimit_AreJudgedExactly(long micros, bool met, string said)
    {
        var p99 = Assert.Single(LatencyObjective.Judge(Seed with { MaxP99 = TimeSpan.FromMilliseconds(50) }, Times(1_000, micros)));

        Assert.Equal((met, said), (p99.Met, p99.Describe()));
    }

    /// <summary>The share is what counts: 98 of 100 within the limit miss a p99 objective and meet a p50 one; 99 meet both.</summary>
    [Theory]
    [InlineData(98, false)]
    [InlineData(99, true)]
    public void TheShareWithinTheLimit_DecidesEachObjective(int fast, bool p99Met)
    {
        var latencies = Times(fast, 1_000).Concat(Times(100 - fast, 200_000));

        var judged = LatencyObjective.Judge(Seed with { MaxP50 = TimeSpan.FromMilliseconds(10), MaxP99 = TimeSpan.FromMilliseconds(10) }, latencies);

        Assert.Equal([("p50", true), ("p99", p99Met)], judged.Select(o => (o.Percentile, o.Met)));
    }

    private static IEnumerable<long> Times(int count, long micros) => Enumerable.Repeat(micros, count);
}
