using System.Globalization;
using System.Text;

namespace FlashSale.Drill.Reporting;

/// <summary>The summary as Markdown, for pasting into an issue or a PR.</summary>
internal static class MarkdownReport
{
    public static string Render(DrillReport r)
    {
        var md = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        var objective = r.Passed && !r.ObjectivesMet ? " (latency objective missed)" : "";
        md.AppendLine(inv, $"# FlashSale drill: {r.Preset} — {(r.Passed ? "PASS" : "FAIL")}{objective}{(r.DeadlineHit ? " (DEADLINE: partial run)" : r.Interrupted ? " (INTERRUPTED: partial run)" : "")}").AppendLine();
        if (r.Partial)
        {
            md.AppendLine(inv, $"**{(r.DeadlineHit ? "Deadline" : "Interrupted")}.** {SummaryRenderer.InterruptedNote(r)} Exit code {r.ExitCode}.").AppendLine();
        }

        md.AppendLine(inv, $"Target {r.Url}, started {r.StartedAt:O}, {r.Users} users, concurrency {r.Concurrency}.").AppendLine();
        md.AppendLine("| metric | value |").AppendLine("|---|---|");
        md.AppendLine(inv, $"| flood | {SummaryRenderer.FloodTime(r.FloodSeconds)} |");
        md.AppendLine(inv, $"| attempts / requests | {r.Attempts} / {r.Requests} |");
        md.AppendLine(inv, $"| throughput | {r.RequestsPerSecond:0.0} req/s |");
        md.AppendLine(inv, $"| latency p50 / p90 / p99 / max | {LatencySummary.Ms(r.Latency.P50Micros)} / {LatencySummary.Ms(r.Latency.P90Micros)} / {LatencySummary.Ms(r.Latency.P99Micros)} / {LatencySummary.Ms(r.Latency.MaxMicros)} |");
        if (r.Objectives.Count > 0)
        {
            md.AppendLine().AppendLine("## Latency objectives").AppendLine().AppendLine("| objective | met |").AppendLine("|---|---|");
            foreach (var o in r.Objectives)
            {
                md.AppendLine(inv, $"| {o.Describe()} | {(o.Met ? "yes" : "**no**")} |");
            }
        }

        md.AppendLine().AppendLine("## Outcomes").AppendLine().AppendLine("| outcome | count |").AppendLine("|---|---:|");
        foreach (var o in r.Outcomes)
        {
            md.AppendLine(inv, $"| {o.Outcome} | {o.Count} |");
        }

        md.AppendLine().AppendLine("## Sales").AppendLine().AppendLine("| sale | sku | total | sold | remaining | limit | orders |")
            .AppendLine("|---|---|---:|---:|---:|---:|---:|");
        foreach (var s in r.Sales)
        {
            md.AppendLine(inv, $"| {s.SaleId} | {s.Sku} | {s.TotalStock} | {s.Sold} | {s.Remaining} | {s.PerUserLimit} | {s.Orders} |");
        }

        md.AppendLine().AppendLine("## Invariants").AppendLine().AppendLine("| verdict | guarantee | invariant | detail |")
            .AppendLine("|---|---|---|---|");
        foreach (var v in r.Verdicts)
        {
            var detail = string.Join("<br>", new[] { v.Detail }.Concat(v.Examples)).Replace("|", "\\|", StringComparison.Ordinal);
            md.AppendLine(inv, $"| {(v.Warned ? "PASS (warning)" : v.Passed ? "PASS" : "**FAIL**")} | {v.Guarantee} | {v.Title} | {detail} |");
        }

        foreach (var hint in r.Verdicts.Where(v => v.Hint is not null).Select(v => v.Hint!))
        {
            // Indented lines (the setting to paste) as a code block of their own, the rest as text.
            foreach (var line in hint.Split(Environment.NewLine))
            {
                md.AppendLine().AppendLine(line.StartsWith("  ", StringComparison.Ordinal) ? $"```\n{line.Trim()}\n```" : line);
            }
        }

        return md.ToString();
    }
}
