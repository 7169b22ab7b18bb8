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

using var interrupt = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    interrupt.Cancel();
};

var stats = new LiveStats();
try
{
    var run = DrillRunner.RunAsync(options, null, stats, interrupt.Token);
    DrillReport report;
    var mode = ProgressDisplay.Choose(options.Quiet, AnsiConsole.Profile.Capabilities.Interactive, Console.IsOutputRedirected);
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
                live.UpdateTarget(LiveView.Render(stats, options));
                await Task.WhenAny(run, Task.Delay(250, CancellationToken.None));
            }

            live.UpdateTarget(LiveView.Render(stats, options));
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
catch (OperationCanceledException) when (interrupt.IsCancellationRequested)
{
    await Console.Error.WriteLineAsync("drill: interrupted.");
    return 2;
}
