using FlashSale.Drill.Cli;
using FlashSale.Drill.Load;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace FlashSale.Drill.Reporting;

/// <summary>The live progress panel: phase, requests done, rate, p99 so far, and outcome counts.</summary>
internal static class LiveView
{
    public static IRenderable Render(LiveStats stats, DrillOptions options)
    {
        var elapsed = stats.FloodElapsed;
        var rate = elapsed.TotalSeconds > 0 ? stats.Completed / elapsed.TotalSeconds : 0;
        var active = RampSchedule.ActiveAt(elapsed, options.Concurrency, options.Duration, options.RampUp, options.RampDown);
        var p99 = stats.Latency.TotalCount > 0 ? LatencySummary.Ms(stats.Latency.GetValueAtPercentile(99)) : "–";

        var grid = new Grid().AddColumn().AddColumn();
        grid.AddRow("[bold]phase[/]", Markup.Escape(stats.Phase));
        grid.AddRow("[bold]elapsed[/]", $"{elapsed.TotalSeconds:0.0} s of {options.FloodLimit.TotalSeconds:0} s max");
        grid.AddRow("[bold]virtual users[/]", $"{active} scheduled, {stats.InFlight} requests in flight");
        grid.AddRow("[bold]attempts / requests[/]", $"{stats.Attempts} / {stats.Completed}");
        grid.AddRow("[bold]rate[/]", $"{rate:0.0} req/s");
        grid.AddRow("[bold]p99 so far[/]", p99);

        var outcomes = new Table().Border(TableBorder.Rounded).AddColumn("outcome").AddColumn(new TableColumn("count").RightAligned());
        foreach (var (outcome, count) in stats.Outcomes())
        {
            outcomes.AddRow(Markup.Escape(outcome), count.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        return new Panel(new Rows(grid, outcomes)).Header($"FlashSale drill · {options.Preset.ToString().ToLowerInvariant()}");
    }
}
