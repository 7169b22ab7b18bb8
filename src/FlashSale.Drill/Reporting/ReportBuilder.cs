using FlashSale.Drill.Checking;
using FlashSale.Drill.Cli;
using FlashSale.Drill.Load;

namespace FlashSale.Drill.Reporting;

internal static class ReportBuilder
{
    public static DrillReport Build(DrillOptions o, DateTimeOffset startedAt, FloodResult result, LiveStats stats,
        IReadOnlyList<SaleEvidence> evidence, IReadOnlyDictionary<string, string> skus, IReadOnlyList<Verdict> verdicts,
        IReadOnlyList<AttemptRecord> records)
    {
        var flood = result.Length;
        var seconds = Math.Max(flood.TotalSeconds, 1e-6);
        var latency = LatencySummary.From(stats.Latency);
        return new DrillReport(
            o.Preset.ToString().ToLowerInvariant(),
            o.Url.ToString(),
            startedAt,
            Math.Round(flood.TotalSeconds, 3),
            o.Users,
            o.Concurrency,
            stats.Attempts,
            stats.Completed,
            Math.Round(stats.Completed / seconds, 1),
            latency,
            [.. stats.Outcomes().Select(p => new OutcomeCount(p.Key, p.Value))],
            [.. evidence.Select(e => new SaleSummary(e.Sale.SaleId, skus.GetValueOrDefault(e.Sale.SaleId), e.Stock.TotalStock,
                e.Stock.Sold, e.Stock.RemainingStock, e.Sale.PerUserLimit, e.Orders.Count))],
            verdicts)
        {
            Interrupted = result.Interrupted && !result.DeadlineHit,
            DeadlineHit = result.DeadlineHit,
            DeadlineSeconds = o.EffectiveDeadline.TotalSeconds,
            // The requests the summary's latency rows count: all but those cut off at an interrupt (no latency of theirs).
            Objectives = LatencyObjective.Judge(o, records.Where(r => !r.IsCutOff).Select(r => r.LatencyMicros)),
        };
    }
}
