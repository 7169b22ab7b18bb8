using System.Globalization;
using FlashSale.Drill.Cli;

namespace FlashSale.Drill.Reporting;

/// <summary>
/// A latency objective of the run (<c>--max-p50</c>, <c>--max-p99</c>): that share of the flood's requests must be answered
/// within the limit. Not an invariant: a slow answer breaks no guarantee, so a miss is its own exit code (4), which a
/// violated invariant (1) wins over. Judged on every request the flood sent, as the summary's latency rows are (a request
/// that got no answer counts with the time it took to fail).
/// </summary>
/// <param name="Percentile">"p50" or "p99".</param>
/// <param name="LimitMicros">The objective.</param>
/// <param name="MeasuredMicros">The percentile, exact (nearest rank over every request's time).</param>
/// <param name="Answers">The requests judged.</param>
/// <param name="Met">At least that share of them within the limit.</param>
public sealed record LatencyObjective(string Percentile, long LimitMicros, long MeasuredMicros, long Answers, bool Met)
{
    /// <summary>One line for the summary: "p99 12.3 ms ≤ 50 ms" or "p99 62.1 ms > 50 ms".</summary>
    public string Describe() => Answers == 0
        ? $"{Percentile}: no request was answered, nothing to measure against {LatencySummary.Ms(LimitMicros)}"
        : string.Create(CultureInfo.InvariantCulture,
            $"{Percentile} {LatencySummary.Ms(MeasuredMicros)} {(Met ? "≤" : ">")} {LatencySummary.Ms(LimitMicros)}");

    /// <summary>The objectives the options ask for, judged against every request's latency (µs).</summary>
    public static IReadOnlyList<LatencyObjective> Judge(DrillOptions options, IEnumerable<long> latencies)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(latencies);
        var sorted = latencies.ToArray();
        Array.Sort(sorted);
        List<LatencyObjective> objectives = [];
        foreach (var (name, percent, limit) in new[] { ("p50", 50.0, options.MaxP50), ("p99", 99.0, options.MaxP99) })
        {
            if (limit is { } max)
            {
                objectives.Add(Judge(name, percent, (long)Math.Round(max.TotalMicroseconds), sorted));
            }
        }

        return objectives;
    }

    /// <summary>
    /// Exact, from each request's own time, not the histogram's (3 significant digits: its percentile is the top of a
    /// bucket, so 49.99 ms read as 50.015 ms, and a count by buckets let 50.01 ms pass a 50 ms objective). The percentile
    /// is the nearest rank: met exactly when at least that share of the requests took no longer than the limit.
    /// </summary>
    private static LatencyObjective Judge(string name, double percent, long limitMicros, long[] sorted)
    {
        if (sorted.Length == 0)
        {
            return new LatencyObjective(name, limitMicros, 0, 0, Met: false);
        }

        var rank = (int)Math.Clamp(Math.Ceiling(percent / 100 * sorted.Length), 1, sorted.Length);
        var measured = sorted[rank - 1];
        return new LatencyObjective(name, limitMicros, measured, sorted.Length, Met: measured <= limitMicros);
    }
}
