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

    /// <summary>The latency objectives asked for (<c>--max-p50</c>, <c>--max-p99</c>), each judged; empty when none was.</summary>
    public IReadOnlyList<LatencyObjective> Objectives { get; init; } = [];

    /// <summary>True when every latency objective asked for was met (and when none was asked for).</summary>
    public bool ObjectivesMet => Objectives.All(o => o.Met);

    /// <summary>The exit code of a run whose invariants held but whose latency missed an objective.</summary>
    public const int ObjectiveMissedExitCode = 4;

    /// <summary>The exit code of an interrupted run whose invariants held on what was done (128 + SIGINT, as shells report Ctrl+C).</summary>
    public const int InterruptedExitCode = 130;

    /// <summary>
    /// The exit code of a run whose flood the hard deadline (<c>--deadline</c>) cut, its invariants holding on what was
    /// done: not a pass (the run did not do what was asked), and not the operator's 130.
    /// </summary>
    public const int DeadlineExitCode = 5;

    /// <summary>
    /// 0 when every invariant holds, 1 when one is violated (interrupted or not), <see cref="ObjectiveMissedExitCode"/> when
    /// every invariant holds but a latency objective was missed, 3 when every invariant holds but the report files could
    /// not be written (<see cref="WriteError"/>), <see cref="InterruptedExitCode"/> when every invariant holds on a run the
    /// operator interrupted, <see cref="DeadlineExitCode"/> when every invariant holds on a run whose flood the hard
    /// deadline cut. A run that misses an objective and also has no files or was cut short exits 4: the objective is
    /// what a CI gate asked about (the summary says the rest).
    /// </summary>
    public int ExitCode => !Passed ? 1 : !ObjectivesMet ? ObjectiveMissedExitCode : WriteError is not null ? 3
        : DeadlineHit ? DeadlineExitCode : Interrupted ? InterruptedExitCode : 0;

    /// <summary>
    /// The operator stopped the flood (SIGINT/SIGTERM): a partial run. The verdicts judge what was sent before the stop;
    /// requests still in flight at the end of the grace are <c>no answer (interrupted)</c>, their outcome unknown.
    /// </summary>
    public bool Interrupted { get; init; }

    /// <summary>
    /// The hard deadline (<c>--deadline</c>) passed during the flood and stopped it as an interrupt does: a partial run,
    /// checked and reported (<see cref="Interrupted"/> is then false).
    /// </summary>
    public bool DeadlineHit { get; init; }

    /// <summary>The run's hard deadline in seconds (<c>--deadline</c>, or the flood's limit + 3 minutes).</summary>
    public double DeadlineSeconds { get; init; }

    /// <summary>The flood was cut short, by the operator or the deadline: the verdicts judge what was done before.</summary>
    [JsonIgnore]
    public bool Partial => Interrupted || DeadlineHit;

    /// <summary>Files the report was written to (empty when no output directory was set).</summary>
    public IReadOnlyList<string> Files { get; init; } = [];

    /// <summary>Why the report files could not be written to the output directory; null when they were (or none was set).</summary>
    [JsonIgnore]
    public string? WriteError { get; init; }
}
