using FlashSale.Drill;
using FlashSale.Drill.Api;
using FlashSale.Drill.Cli;
using FlashSale.Drill.Load;
using FlashSale.Drill.Reporting;
using Spectre.Console;

var parsed = OptionsParser.Parse(args, Environment.GetEnvironmentVariable);
if (parsed.ShowHelp)
{
    Console.WriteLine(HelpText.Text);
    return 0;
}

if (parsed.Options is not { } options)
{
    await Console.Error.WriteLineAsync($"drill: {parsed.Error}{Environment.NewLine}Run with --help for usage.");
    return 2;
}

if (ConnectionCapWarning.For(options) is { } capWarning)
{
    await Console.Error.WriteLineAsync(capWarning);
}

var stats = new LiveStats();
var mode = ProgressDisplay.Choose(options.Quiet, AnsiConsole.Profile.Capabilities.Interactive, Console.IsOutputRedirected);
var redraw = new LiveRedraw();
using var signals = new StopSignals(
    signal =>
    {
        // The live panel shows the phase, which says the same; a line written under it would break its redraw.
        if (mode != ProgressMode.LivePanel)
        {
            Console.Error.WriteLine(StopSignals.Notice(signal, stats, options.StopGrace));
        }
    },
    signal =>
    {
        if (mode == ProgressMode.LivePanel)
        {
            // No redraw after this line: it would be written over (the process exits before the loop would stop).
            redraw.Freeze();
            AnsiConsole.Cursor.Show();
        }

        Console.Error.WriteLine($"drill: a second stop signal, {signal}: exiting at once, no summary (exit {StopSignals.ForcedExitCode}).");
    });

try
{
    var run = DrillRunner.RunAsync(options, null, stats, signals.Stop, CancellationToken.None);
    DrillReport report;
    if (mode == ProgressMode.None)
    {
        report = await run;
    }
    else if (mode == ProgressMode.Lines)
    {
        report = await ProgressDisplay.WriteLinesAsync(Console.Out, stats, options, run, ProgressDisplay.LineInterval);
    }
    else
    {
        report = await AnsiConsole.Live(LiveView.Render(stats, options)).AutoClear(false).StartAsync(async live =>
        {
            while (!run.IsCompleted)
            {
                if (!redraw.TryRedraw(() => live.UpdateTarget(LiveView.Render(stats, options))))
                {
                    // Frozen by a second stop signal, whose handler is ending the process: neither redraw nor return (the
                    // live display draws once more as it ends).
                    await Task.Delay(Timeout.Infinite, CancellationToken.None);
                }

                await Task.WhenAny(run, Task.Delay(250, CancellationToken.None));
            }

            if (!redraw.TryRedraw(() => live.UpdateTarget(LiveView.Render(stats, options))))
            {
                await Task.Delay(Timeout.Infinite, CancellationToken.None);
            }

            return await run;
        });
    }

    SummaryRenderer.Write(AnsiConsole.Console, report);
    return report.ExitCode;
}
catch (DrillSetupException e)
{
    await Console.Error.WriteLineAsync($"drill: {e.Message}");
    return 2;
}
catch (OperationCanceledException) when (signals.Stopped)
{
    await Console.Error.WriteLineAsync("drill: interrupted before the flood began: no purchase was sent, nothing to check.");
    return 2;
}
