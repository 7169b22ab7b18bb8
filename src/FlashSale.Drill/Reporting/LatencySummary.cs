using HdrHistogram;

namespace FlashSale.Drill.Reporting;

/// <summary>Purchase latency percentiles in microseconds (HdrHistogram, 3 significant digits).</summary>
public sealed record LatencySummary(long Count, long P50Micros, long P90Micros, long P99Micros, long P999Micros, long MaxMicros, double MeanMicros)
{
    internal static LatencySummary From(HistogramBase histogram) => histogram.TotalCount == 0
        ? new LatencySummary(0, 0, 0, 0, 0, 0, 0)
        : new LatencySummary(
            histogram.TotalCount,
            histogram.GetValueAtPercentile(50),
            histogram.GetValueAtPercentile(90),
            histogram.GetValueAtPercentile(99),
            histogram.GetValueAtPercentile(99.9),
            histogram.GetMaxValue(),
            histogram.GetMean());

    public static string Ms(long micros) => $"{micros / 1000.0:0.###} ms";
}
