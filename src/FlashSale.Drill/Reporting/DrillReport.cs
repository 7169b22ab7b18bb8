using System.Text.Json.Serialization;
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

    /// <summary>The exit code of an interrupted run whose invariants held on what was done (128 + SIGINT, as shells report Ctrl+C).</summary>
    public const int InterruptedExitCode = 130;

    /// <summary>
    /// 0 when every invariant holds, 1 when one is violated (interrupted or not), 3 when every invariant holds but the
    /// report files could not be written (<see cref="WriteError"/>), <see cref="InterruptedExitCode"/> when every invariant
    /// holds on a run the operator interrupted.
    /// </summary>
    public int ExitCode => !Passed ? 1 : WriteError is not null ? 3 : Interrupted ? InterruptedExitCode : 0;

    /// <summary>
    /// The operator stopped the flood (SIGINT/SIGTERM): a partial run. The verdicts judge what was sent before the stop;
    /// requests still in flight at the end of the grace are <c>no answer (interrupted)</c>, their outcome unknown.
    /// </summary>
    public bool Interrupted { get; init; }

    /// <summary>Files the report was written to (empty when no output directory was set).</summary>
    public IReadOnlyList<string> Files { get; init; } = [];

    /// <summary>Why the report files could not be written to the output directory; null when they were (or none was set).</summary>
    [JsonIgnore]
    public string? WriteError { get; init; }
}
