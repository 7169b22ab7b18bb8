using System.Globalization;
using Spectre.Console;

namespace FlashSale.Drill.Reporting;

/// <summary>The end-of-run summary: throughput and latency, outcomes, sales, and each invariant's verdict.</summary>
internal static class SummaryRenderer
{
    public static void Write(IAnsiConsole console, DrillReport r)
    {
        var inv = CultureInfo.InvariantCulture;
        if (r.Partial)
        {
            console.MarkupLine($"[yellow bold]{(r.DeadlineHit ? "DEADLINE" : "INTERRUPTED")} — partial run.[/] {Markup.Escape(InterruptedNote(r))}");
        }

        var load = new Table().Border(TableBorder.Rounded).Title("Load").AddColumn("metric").AddColumn("value");
        load.AddRow("flood", FloodTime(r.FloodSeconds));
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

        // One cell per sale, its id whole on the first line (to copy into --sale or a curl) and its counters under it: in
        // 80 columns a table column per counter left the id 32 characters wide, wrapped, and no number layout fits ids of 36.
        var sales = new Table().Border(TableBorder.Rounded).ShowRowSeparators().Title("Sales").AddColumn("sale");
        foreach (var s in r.Sales)
        {
            sales.AddRow(new Markup($"{Markup.Escape(s.SaleId)}{(s.Sku is null ? "" : $" [grey]{Markup.Escape(s.Sku)}[/]")}\n" +
                string.Create(inv, $"sold {s.Sold} · remaining {s.Remaining} · total {s.TotalStock} · limit {s.PerUserLimit} · orders {s.Orders}")));
        }

        console.Write(sales);

        var verdicts = new Table().Border(TableBorder.Rounded).Title("Invariants").AddColumns("verdict", "", "invariant", "detail");
        foreach (var v in r.Verdicts)
        {
            var detail = string.Join("\n", new[] { v.Detail }.Concat(v.Examples));
            verdicts.AddRow(v.Warned ? "[yellow]WARN[/]" : v.Passed ? "[green]PASS[/]" : "[red bold]FAIL[/]", v.Guarantee, Markup.Escape(v.Title), Markup.Escape(detail));
        }

        console.Write(verdicts);
        // Outside the table, whose cells wrap: a setting to paste stays whole on its line.
        foreach (var hint in r.Verdicts.Where(v => v.Hint is not null).Select(v => v.Hint!))
        {
            console.WriteLine(hint);
        }

        if (r.Objectives.Count > 0)
        {
            var objectives = new Table().Border(TableBorder.Rounded).Title("Latency objectives").AddColumns("met", "objective");
            foreach (var o in r.Objectives)
            {
                objectives.AddRow(o.Met ? "[green]MET[/]" : "[red bold]MISSED[/]", Markup.Escape(o.Describe()));
            }

            console.Write(objectives);
        }

        var warned = r.Verdicts.Count(v => v.Warned);
        var partial = r.DeadlineHit ? $" on the partial run (the --deadline of {DeadlineText(r)} cut the flood)"
            : r.Interrupted ? " on the partial run (interrupted)" : "";
        console.MarkupLine(!r.Passed ? $"[red bold]Invariant violated{partial}.[/]"
            : warned == 0 ? $"[green bold]All invariants hold{partial}.[/]"
            : $"[green bold]All invariants hold{partial}[/][yellow] — {warned} with warnings: read them.[/]");
        if (r.Passed && !r.ObjectivesMet)
        {
            var missed = r.Objectives.Where(o => !o.Met).ToList();
            console.MarkupLine($"[red bold]Latency objective{(missed.Count == 1 ? "" : "s")} missed (exit {DrillReport.ObjectiveMissedExitCode}):[/] {Markup.Escape(string.Join("; ", missed.Select(o => o.Describe())))}.");
        }

        foreach (var file in r.Files)
        {
            console.MarkupLine($"[grey]wrote {Markup.Escape(file)}[/]");
        }

        if (r.WriteError is { } writeError)
        {
            console.MarkupLine($"[red bold]{Markup.Escape(writeError)}[/]");
        }

        if (r.Partial)
        {
            console.MarkupLine($"[yellow]Exit code {r.ExitCode}: {r.ExitCode switch
            {
                DrillReport.InterruptedExitCode => "interrupted, every invariant held on what was done",
                DrillReport.DeadlineExitCode => "the hard deadline cut the flood, every invariant held on what was done",
                _ => "see above",
            }}.[/]");
        }
    }

    /// <summary>
    /// The flood's length, precise enough that the requests divided by it give the throughput printed beside it: in
    /// milliseconds under 10 s. Until 2026-12-07 a seed's flood read "0.1 s" beside 349 req/s for 50 requests.
    /// </summary>
    public static string FloodTime(double seconds) =>
        seconds >= 10 ? string.Create(CultureInfo.InvariantCulture, $"{seconds:0.0} s")
        : seconds >= 0.01 ? string.Create(CultureInfo.InvariantCulture, $"{seconds * 1000:0} ms")
        : string.Create(CultureInfo.InvariantCulture, $"{seconds * 1000:0.##} ms");

    private static string DeadlineText(DrillReport r) => Cli.DurationText.Format(TimeSpan.FromSeconds(r.DeadlineSeconds));

    /// <summary>What an interrupted run's verdicts cover, for the summary and the Markdown.</summary>
    public static string InterruptedNote(DrillReport r)
    {
        var cutOff = r.Outcomes.Where(o => o.Outcome == Load.OutcomeKey.Of(0, null, Load.AttemptRecord.Interrupted)).Sum(o => o.Count);
        var by = r.DeadlineHit ? $"The hard deadline ({DeadlineText(r)}, --deadline) stopped the flood" : "The flood was stopped";
        return string.Create(CultureInfo.InvariantCulture,
            $"{by} after {FloodTime(r.FloodSeconds)}; the verdicts judge the {r.Attempts} attempts ({r.Requests} requests) made before the stop") +
            (cutOff == 0 ? "." : string.Create(CultureInfo.InvariantCulture,
                $", {cutOff} of them cut off in flight (outcome unknown, judged as possibly bought)."));
    }
}
