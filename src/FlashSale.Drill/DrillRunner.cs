using FlashSale.Drill.Api;
using FlashSale.Drill.Checking;
using FlashSale.Drill.Cli;
using FlashSale.Drill.Load;
using FlashSale.Drill.Reporting;
using FlashSale.Drill.Session;

namespace FlashSale.Drill;

/// <summary>
/// Runs one drill: set up sales and buyers, flood, collect the server's evidence, check every invariant.
/// This is the entry point for tests, e.g. <c>DrillRunner.RunAsync(DrillOptions.ForPreset(Preset.Seed) with { Url = …,
/// AdminPassword = …, Quiet = true })</c> and assert <see cref="DrillReport.Passed"/>.
/// </summary>
public static class DrillRunner
{
    /// <param name="options">What to run; <see cref="DrillOptions.Url"/> is the only address requests go to.</param>
    /// <param name="http">
    /// Optional transport (e.g. a test server's client); its own BaseAddress is ignored in favour of
    /// <see cref="DrillOptions.Url"/>. When null the drill builds its own pooled HTTP/1.1 client.
    /// </param>
    /// <param name="cancellationToken">Aborts the run.</param>
    /// <exception cref="DrillSetupException">
    /// Invalid options, unreachable server, or the hard deadline passed before the flood or during the check (one that
    /// passes during the flood stops it, and the report says so: <see cref="DrillReport.DeadlineHit"/>).
    /// </exception>
    public static Task<DrillReport> RunAsync(DrillOptions options, HttpClient? http = null, CancellationToken cancellationToken = default) =>
        RunAsync(options, http, new LiveStats(), CancellationToken.None, cancellationToken);

    internal static Task<DrillReport> RunAsync(DrillOptions options, HttpClient? http, LiveStats stats,
        CancellationToken cancellationToken) =>
        RunAsync(options, http, stats, CancellationToken.None, cancellationToken);

    /// <summary>
    /// <paramref name="interrupt"/> is the operator's stop (SIGINT, SIGTERM): during the flood no new request is sent,
    /// those in flight get <see cref="DrillOptions.StopGrace"/>, and what was done is
    /// checked and reported as <see cref="DrillReport.Interrupted"/>. Before the flood it ends the run with an
    /// <see cref="OperationCanceledException"/> (nothing was sent); after it, it changes nothing (the checking goes on).
    /// <paramref name="cancellationToken"/> aborts the run at any point.
    /// </summary>
    internal static async Task<DrillReport> RunAsync(DrillOptions options, HttpClient? http, LiveStats stats,
        CancellationToken interrupt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = OptionsValidator.Validate(options);
        if (problems.Count > 0)
        {
            throw new DrillSetupException(string.Join(Environment.NewLine, problems));
        }

        if (options.OutputDirectory is { } outputDirectory)
        {
            ReportWriter.EnsureWritable(outputDirectory);
        }

        using var deadline = new CancellationTokenSource(options.EffectiveDeadline);
        var ownClient = http is null ? DrillHttp.CreateClient(options) : null;
        try
        {
            var api = new FlashSaleClient(http ?? ownClient!, options.Url, options.RequestTimeout);
            // The phase line says why the drill is waiting (a rate limit on its own reads, a store restarting).
            string? phase = null;
            api.OnBackpressure = wait =>
            {
                phase ??= stats.Phase;
                (stats.Phase, phase) = wait is null ? (phase, null) : ($"{phase} — waiting: {wait}", phase);
            };
            return await RunCoreAsync(options, api, stats, interrupt, deadline.Token, cancellationToken);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new DrillSetupException(
                $"The drill passed its hard deadline of {DurationText.Format(options.EffectiveDeadline)} (raise it with --deadline).");
        }
        finally
        {
            ownClient?.Dispose();
        }
    }

    /// <summary>
    /// How long the check of a flood the hard deadline cut may take past the deadline (the default deadline's allowance
    /// over the flood); past it the run ends without a verdict, as a deadline hit during setup or the check of a whole
    /// flood does.
    /// </summary>
    public static readonly TimeSpan CheckAfterDeadline = TimeSpan.FromMinutes(3);

    // deadline: the hard deadline's token. Before the flood it ends the run; during it, it stops the flood as an interrupt
    // does and what was done is checked (within CheckAfterDeadline); during the check of a whole flood it ends the run.
    private static async Task<DrillReport> RunCoreAsync(DrillOptions options, FlashSaleClient api, LiveStats stats,
        CancellationToken interrupt, CancellationToken deadline, CancellationToken abort)
    {
        var startedAt = DateTimeOffset.UtcNow;
        stats.Phase = "setting up: admin sign-in, sales, buyers";
        DrillSession session;
        using (var setup = CancellationTokenSource.CreateLinkedTokenSource(abort, deadline, interrupt))
        {
            // Interrupted before the flood: nothing was sent, so there is nothing to check.
            session = await DrillSetup.PrepareAsync(options, api, setup.Token);
            setup.Token.ThrowIfCancellationRequested();
        }

        stats.Phase = "flooding";
        var log = new ResponseLog();
        var plan = new FloodPlan([.. session.Sales.Select(s => s.Id)], session.Buyers, session.RunTag);
        var floodStartedAt = DateTimeOffset.UtcNow;
        var flood = await LoadRunner.RunAsync(options, api, plan, log, stats, interrupt, deadline, abort);

        stats.Phase = flood.DeadlineHit ? "checking what was done before the deadline: reading orders and stock"
            : flood.Interrupted
                ? "checking what was done before the interrupt: reading orders and stock — interrupt again to exit without a summary"
                : "checking: reading orders and stock";
        using var check = flood.DeadlineHit
            ? CancellationTokenSource.CreateLinkedTokenSource(abort)
            : CancellationTokenSource.CreateLinkedTokenSource(abort, deadline);
        if (flood.DeadlineHit)
        {
            check.CancelAfter(CheckAfterDeadline);
        }

        try
        {
            return await CheckAsync(options, api, stats, session, log, startedAt, flood, floodStartedAt, check.Token);
        }
        catch (OperationCanceledException) when (flood.DeadlineHit && check.IsCancellationRequested && !abort.IsCancellationRequested)
        {
            throw new DrillSetupException(
                $"The drill's hard deadline of {DurationText.Format(options.EffectiveDeadline)} cut the flood, and the check of what was " +
                $"done did not end within {DurationText.Format(CheckAfterDeadline)} after it (raise it with --deadline).");
        }
    }

    private static async Task<DrillReport> CheckAsync(DrillOptions options, FlashSaleClient api, LiveStats stats, DrillSession session,
        ResponseLog log, DateTimeOffset startedAt, FloodResult flood, DateTimeOffset floodStartedAt, CancellationToken ct)
    {
        var records = log.Snapshot();
        var evidence = await EvidenceCollector.CollectAsync(api, session, records, options.PendingWait, ct);
        var verdicts = InvariantChecker.Check(records, evidence, session.Expectation,
            new RunFacts
            {
                DecisionTtl = options.DecisionTtl,
                // The server's expiry against this machine's clock: a minute's slack for the two clocks' difference.
                TokensValidFor = session.TokensExpireAt - floodStartedAt - RunFacts.ClockSlack,
                FloodStartedAt = floodStartedAt,
                DrillUsers = session.Buyers.Select(b => b.UserId).ToHashSet(StringComparer.Ordinal),
                Interrupted = flood.Interrupted,
            });

        var skus = session.Sales.ToDictionary(s => s.Id, s => s.Sku, StringComparer.Ordinal);
        var report = ReportBuilder.Build(options, startedAt, flood, stats, evidence, skus, verdicts, records);
        if (options.OutputDirectory is { } directory)
        {
            try
            {
                report = report with { Files = await ReportWriter.WriteAsync(directory, report, records, ct) };
            }
            catch (Exception e) when (ReportWriter.IsWriteError(e))
            {
                // The verdict stands; the summary says it first and then that the files are missing.
                report = report with { WriteError = $"The report could not be written to --out '{directory}': {e.Message}" };
            }
        }

        stats.Phase = (!report.Passed ? "done: invariant violated"
                          : report.ObjectivesMet ? "done: all invariants hold"
                          : "done: invariants hold, latency objective missed") +
                      (report.DeadlineHit ? " (the deadline cut the flood: partial run)"
                          : report.Interrupted ? " (interrupted: partial run)" : "");
        return report;
    }
}
