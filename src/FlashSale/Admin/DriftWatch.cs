using FlashSale.Purchasing;
using Microsoft.Extensions.Options;

namespace FlashSale.Admin;

/// <summary>
/// G4 watched, not only checked on demand: every <see cref="ReconciliationOptions.CheckInterval"/> the ledger is
/// compared with the record, repairing nothing (<see cref="IPurchaseLedger.ReconcileAsync"/> without repair; in
/// distributed mode a sale whose Redis state is missing is rebuilt first, as its next purchase would), and the result is
/// kept for <c>/metrics</c> (<c>flashsale_ledger_drifted_sales</c>, <c>flashsale_ledger_drift_units</c>,
/// <c>flashsale_ledger_unchecked_sales</c>) and logged: a warning naming the drifting sales at each check that finds them
/// (event 4105), once when a check of this watch finds none and could compare every sale (4106). A sale whose ledger holds
/// other terms than the record's is given the record's at once, under the admins' lock (event 4109). Repairing sold units
/// stays an operator's decision (<c>POST /api/v1/admin/reconcile</c>): drift means something went wrong, and what (a failover to a
/// lagging replica, a restored backup) decides whether the record is the side to trust. Every check of any kind — this
/// one, <c>GET</c> and <c>POST /api/v1/admin/reconcile</c> — updates what the gauges show.
/// </summary>
public sealed partial class DriftWatch(IServiceProvider services, IOptions<ReconciliationOptions> options, TimeProvider clock,
    ILogger<DriftWatch> logger) : BackgroundService
{
    private volatile DriftReading? _latest;

    // Whether this watch's own last check logged drift: "gone" follows a "drift" this watch said, not a GET's reading.
    private bool _saidDrift;

    /// <summary>The latest check's reading; null before the first.</summary>
    public DriftReading? Latest => _latest;

    /// <summary>
    /// Every reconciliation — this watch's checks, the API's <c>GET</c> and <c>POST</c>, the ledger page and its button —
    /// goes through here (<see cref="SaleCommands.ReconcileAsync"/>), so the gauges show the latest of any kind, a repair's
    /// too (what it repaired is drift no more). Only the periodic check logs: a monitor polling <c>GET</c> would repeat the
    /// same warning every poll.
    /// </summary>
    public async Task<IReadOnlyList<SaleReconciliation>> ReconcileAsync(bool repair, CancellationToken ct)
    {
        var items = await services.GetRequiredService<SaleCommands>().ReconcileAsync(repair, ct);
        var drifting = Drifting(items);
        _latest = new DriftReading(clock.GetUtcNow(), drifting.Count, drifting.Sum(i => (long)Math.Abs(i.Drift)),
            items.Count(i => i.Busy));
        return items;
    }

    /// <summary>
    /// The sales that drift and were left so. Busy sales are counted apart: their two readings were not of one moment, so
    /// their difference is not drift, and their agreement is not known either.
    /// </summary>
    public static IReadOnlyList<SaleReconciliation> Drifting(IReadOnlyList<SaleReconciliation> items) =>
        [.. items.Where(i => i is { Drift: not 0, Repaired: false, Busy: false })];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.CheckInterval;
        if (interval <= TimeSpan.Zero)
        {
            return;
        }

        using var timer = new PeriodicTimer(interval, clock);
        while (await WaitAsync(timer, stoppingToken))
        {
            try
            {
                var items = await ReconcileAsync(repair: false, stoppingToken);
                await TakeRecordedTermsAsync(items, stoppingToken);
                var drifting = Drifting(items);
                if (drifting.Count > 0)
                {
                    _saidDrift = true;
                    LogDrift(drifting.Count, string.Join(", ", drifting.Take(10).Select(i =>
                        $"{i.SaleId} ({i.Sku}: ledger {i.LedgerSold}, record {i.RecordSold})")));
                }
                else if (_saidDrift && _latest is { UncheckedSales: 0 })
                {
                    _saidDrift = false;
                    LogDriftGone();
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // A store down: the next check tries again; the gauges keep the last reading (with its time).
                LogCheckFailed(ex);
            }
        }
    }

    /// <summary>
    /// Terms, unlike sold units, are healed without an operator: the record's are the ones the admin was last answered
    /// with or never told were lost, and a ledger left shut or ended by an interrupted change refuses every buyer of a sale
    /// every view calls active, with nobody told. Only under the admins' lock, read again there (<see
    /// cref="SaleCommands.TakeRecordedTermsAsync"/>): a change under way holds its sale apart from the record on purpose.
    /// </summary>
    private async Task TakeRecordedTermsAsync(IReadOnlyList<SaleReconciliation> items, CancellationToken ct)
    {
        foreach (var item in items.Where(i => i.TermsDiffer && !i.TermsRepaired))
        {
            if (await services.GetRequiredService<SaleCommands>().TakeRecordedTermsAsync(item.SaleId, ct) is { } taken)
            {
                RecordedTerms.LogTermsTaken(logger, item.SaleId, "the drift check", taken);
            }
        }
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken ct)
    {
        try
        {
            return await timer.WaitForNextTickAsync(ct);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    [LoggerMessage(EventId = 4105, Level = LogLevel.Warning,
        Message = "Drift: {Count} sale(s) whose ledger and record disagree on the units sold (nothing was repaired; POST /api/v1/admin/reconcile repairs the ledger from the record): {Sales}")]
    private partial void LogDrift(int count, string sales);

    [LoggerMessage(EventId = 4106, Level = LogLevel.Information, Message = "Drift gone: every sale's ledger agrees with the record again")]
    private partial void LogDriftGone();

    [LoggerMessage(EventId = 4107, Level = LogLevel.Warning, Message = "The drift check could not run; the next one tries again")]
    private partial void LogCheckFailed(Exception error);
}

/// <summary>
/// One drift check: when, how many sales drifted and by how many units in all, and how many could not be compared (busy:
/// selling too fast to read both sides at one moment).
/// </summary>
public sealed record DriftReading(DateTimeOffset CheckedAt, int DriftedSales, long DriftUnits, int UncheckedSales);
