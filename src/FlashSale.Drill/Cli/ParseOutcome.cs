namespace FlashSale.Drill.Cli;

/// <summary>What the command line asked for: a run, the help text, or an error to show (exit 2).</summary>
internal sealed record ParseOutcome(DrillOptions? Options, string? Error, bool ShowHelp)
{
    public static ParseOutcome Run(DrillOptions options) => new(options, null, false);
    public static ParseOutcome Fail(string error) => new(null, error, false);
    public static ParseOutcome Help() => new(null, null, true);
}
