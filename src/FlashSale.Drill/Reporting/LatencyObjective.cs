using System.Globalization;
using FlashSale.Drill.Cli;

namespace FlashSale.Drill.Reporting;

/// <summary>
/// A latency objective of the run (<c>--max-p50</c>, <c>--max-p99</c>): the flood's answers at that percentile must come
/// within the limit. Not an invariant: a slow answer breaks no guarantee, so a miss is its own exit code (4), which a
/// violated invariant (1) wins over. Measured on every answered request, as the summary's latency rows are.
/// </summary>
public sealed record LatencyObjective(string Percentile, long LimitMicros, long MeasuredMicros, long Answers)
{
    /// <summary>Met when something was answered and the percentile is within the limit; a flood with no answer proves nothing.</summary>
    public bool Met => Answers > 0 && MeasuredMicros <= LimitMicros;

    /// <summary>One line for the summary: "p99 12.3 ms ≤ 50 ms" or "p99 62.1 ms > 50 ms".</summary>
    public string Describe() => Answers == 0
        ? $"{Percentile}: no request was answered, nothing to measure against {LatencySummary.Ms(LimitMicros)}"
        : string.Create(CultureInfo.InvariantCulture,
            $"{Percentile} {LatencySummary.Ms(MeasuredMicros)} {(Met ? "≤" : ">")} {LatencySummary.Ms(LimitMicros)}");

    /// <summary>The objectives the options ask for, judged against the run's latency.</summary>
    public static IReadOnlyList<LatencyObjective> Judge(DrillOptions options, LatencySummary latency)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(latency);
        List<LatencyObjective> objectives = [];
        if (options.MaxP50 is { } p50)
        {
            objectives.Add(new LatencyObjective("p50", Micros(p50), latency.P50Micros, latency.Count));
        }

        if (options.MaxP99 is { } p99)
        {
            objectives.Add(new LatencyObjective("p99", Micros(p99), latency.P99Micros, latency.Count));
        }

        return objectives;
    }

    private static long Micros(TimeSpan t) => (long)Math.Round(t.TotalMicroseconds);
}
