using System.Globalization;
using FlashSale.Drill.Cli;
using HdrHistogram;

namespace FlashSale.Drill.Reporting;

/// <summary>
/// A latency objective of the run (<c>--max-p50</c>, <c>--max-p99</c>): that share of the flood's requests must be answered
/// within the limit. Not an invariant: a slow answer breaks no guarantee, so a miss is its own exit code (4), which a
/// violated invariant (1) wins over. Judged on every request the flood sent, as the summary's latency rows are (a request
/// that got no answer counts with the time it took to fail).
/// </summary>
/// <param name="Percentile">"p50" or "p99".</param>
/// <param name="LimitMicros">The objective.</param>
/// <param name="MeasuredMicros">The percentile as the summary shows it (the top of its histogram bucket).</param>
/// <param name="Answers">The requests judged.</param>
/// <param name="Met">At least that share of them within the limit.</param>
public sealed record LatencyObjective(string Percentile, long LimitMicros, long MeasuredMicros, long Answers, bool Met)
{
    /// <summary>One line for the summary: "p99 12.3 ms ≤ 50 ms" or "p99 62.1 ms > 50 ms".</summary>
    public string Describe() => Answers == 0
        ? $"{Percentile}: no request was answered, nothing to measure against {LatencySummary.Ms(LimitMicros)}"
        : string.Create(CultureInfo.InvariantCulture,
            $"{Percentile} {LatencySummary.Ms(MeasuredMicros)} {(Met ? "≤" : ">")} {LatencySummary.Ms(LimitMicros)}");

    /// <summary>The objectives the options ask for, judged against the flood's latencies.</summary>
    public static IReadOnlyList<LatencyObjective> Judge(DrillOptions options, HistogramBase latency)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(latency);
        List<LatencyObjective> objectives = [];
        foreach (var (name, percent, limit) in new[] { ("p50", 50.0, options.MaxP50), ("p99", 99.0, options.MaxP99) })
        {
            if (limit is { } max)
            {
                objectives.Add(Judge(name, percent, (long)Math.Round(max.TotalMicroseconds), latency));
            }
        }

        return objectives;
    }

    /// <summary>
    /// Met when at least <paramref name="percent"/>% of the requests took no longer than the limit: counted, not read off the
    /// percentile, which the histogram gives as the top of its bucket (up to 0.1% above the value measured), so 49.99 ms
    /// read as 50.015 ms and missed a 50 ms objective every request had met.
    /// </summary>
    private static LatencyObjective Judge(string name, double percent, long limitMicros, HistogramBase latency)
    {
        var total = latency.TotalCount;
        if (total == 0)
        {
            return new LatencyObjective(name, limitMicros, 0, 0, Met: false);
        }

        // A bucket that starts at or below the limit counts as within it: the histogram cannot tell its values apart (3
        // significant digits), so the judgement is that lenient, never stricter than the objective.
        var within = latency.RecordedValues().Where(v => latency.LowestEquivalentValue(v.ValueIteratedTo) <= limitMicros)
            .Sum(v => v.CountAtValueIteratedTo);
        return new LatencyObjective(name, limitMicros, latency.GetValueAtPercentile(percent), total, Met: within * 100.0 >= percent * total);
    }
}
