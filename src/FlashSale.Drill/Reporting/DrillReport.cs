using FlashSale.Drill.Checking;

namespace FlashSale.Drill.Reporting;

/// <summary>The outcome of one drill: what was sent, how fast it was answered, and every invariant's verdict.</summary>
public sealed record DrillReport(
    string Preset,
    string Url,
    DateTimeOffset StartedAt,
    double FloodSeconds,
    int Users,
    int Concurrency,
    long Attempts,
    long Requests,
    double RequestsPerSecond,
    LatencySummary Latency,
    IReadOnlyList<OutcomeCount> Outcomes,
    IReadOnlyList<SaleSummary> Sales,
    IReadOnlyList<Verdict> Verdicts)
{
    /// <summary>True when every invariant holds.</summary>
    public bool Passed => Verdicts.Count > 0 && Verdicts.All(v => v.Passed);

    /// <summary>0 when every invariant holds, 1 when one is violated.</summary>
    public int ExitCode => Passed ? 0 : 1;

    /// <summary>Files the report was written to (empty when no output directory was set).</summary>
    public IReadOnlyList<string> Files { get; init; } = [];
}
