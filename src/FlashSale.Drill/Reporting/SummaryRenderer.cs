using System.Globalization;
using Spectre.Console;

namespace FlashSale.Drill.Reporting;

/// <summary>The end-of-run summary: throughput and latency, outcomes, sales, and each invariant's verdict.</summary>
internal static class SummaryRenderer
{
    public static void Write(IAnsiConsole console, DrillReport r)
    {
        var inv = CultureInfo.InvariantCulture;
        var load = new Table().Border(TableBorder.Rounded).Title("Load").AddColumn("metric").AddColumn("value");
        load.AddRow("flood", $"{r.FloodSeconds:0.0} s");
        load.AddRow("attempts / requests", $"{r.Attempts} / {r.Requests}");
        load.AddRow("throughput", $"{r.RequestsPerSecond:0.0} req/s");
        load.AddRow("latency p50", LatencySummary.Ms(r.Latency.P50Micros));
        load.AddRow("latency p90", LatencySummary.Ms(r.Latency.P90Micros));
        load.AddRow("latency p99", LatencySummary.Ms(r.Latency.P99Micros));
        load.AddRow("latency max", LatencySummary.Ms(r.Latency.MaxMicros));
        console.Write(load);

        var outcomes = new Table().Border(TableBorder.Rounded).Title("Outcomes").AddColumn("outcome")
            .AddColumn(new TableColumn("count").RightAligned());
        foreach (var o in r.Outcomes)
        {
            outcomes.AddRow(Markup.Escape(o.Outcome), o.Count.ToString(inv));
        }

        console.Write(outcomes);

        var sales = new Table().Border(TableBorder.Rounded).Title("Sales").AddColumns("sale", "sold", "remaining", "total", "limit", "orders");
        foreach (var s in r.Sales)
        {
            sales.AddRow(Markup.Escape(s.SaleId), s.Sold.ToString(inv), s.Remaining.ToString(inv), s.TotalStock.ToString(inv),
                s.PerUserLimit.ToString(inv), s.Orders.ToString(inv));
        }

        console.Write(sales);

        var verdicts = new Table().Border(TableBorder.Rounded).Title("Invariants").AddColumns("verdict", "", "invariant", "detail");
        foreach (var v in r.Verdicts)
        {
            var detail = string.Join("\n", new[] { v.Detail }.Concat(v.Examples));
            verdicts.AddRow(v.Warned ? "[yellow]WARN[/]" : v.Passed ? "[green]PASS[/]" : "[red bold]FAIL[/]", v.Guarantee, Markup.Escape(v.Title), Markup.Escape(detail));
        }

        console.Write(verdicts);
        var warned = r.Verdicts.Count(v => v.Warned);
        console.MarkupLine(!r.Passed ? "[red bold]Invariant violated.[/]"
            : warned == 0 ? "[green bold]All invariants hold.[/]"
            : $"[green bold]All invariants hold[/][yellow] — {warned} with warnings: read them.[/]");
        foreach (var file in r.Files)
        {
            console.MarkupLine($"[grey]wrote {Markup.Escape(file)}[/]");
        }

        if (r.WriteError is { } writeError)
        {
            console.MarkupLine($"[red bold]{Markup.Escape(writeError)}[/]");
        }
    }
}
