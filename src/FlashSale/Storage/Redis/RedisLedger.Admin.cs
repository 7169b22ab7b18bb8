using System.Diagnostics;
using FlashSale.Purchasing;
using FlashSale.Sales;
using StackExchange.Redis;

namespace FlashSale.Storage.Redis;

/// <summary>The distributed ledger's admin operations: withdraw before delete, reconciliation, development reset.</summary>
public sealed partial class RedisLedger
{
    private static readonly TimeSpan ReconcileWait = TimeSpan.FromSeconds(2);

    public async Task<bool> TryWithdrawSaleAsync(Sale sale, CancellationToken ct)
    {
        for (var attemptNo = 0; ; attemptNo++)
        {
            var verdict = (string?)await scripts.Withdraw.EvaluateAsync(redis.GetDatabase(),
                [RedisKeys.Meta(sale.Id), RedisKeys.Stock(sale.Id), RedisKeys.Outbox(sale.Id)], ["0"]);
            if (verdict == "missing" && attemptNo == 0)
            {
                // No state (lost, or never built): build it from the record, then decide on it. An ended sale's is not
                // rebuilt, and nothing can be bought in it: the record's own check (no orders) decides.
                if (await state.EnsureAsync(sale.Id, ct) != LedgerState.Present)
                {
                    return true;
                }

                continue;
            }

            return verdict is "withdrawn" or "missing";
        }
    }

    public async Task SaleRemovedAsync(Guid saleId, CancellationToken ct)
    {
        await ForgetAsync(redis.GetDatabase(), saleId);
        ForgetSoldOut(saleId);
        notifier.StockChanged(saleId);
    }

    /// <summary>
    /// G4, per sale in the record: the units Redis counts as sold (total − stock) against the confirmed
    /// units in PostgreSQL, read when nothing is in flight (outbox empty, no cancel between its two steps)
    /// and unchanged across the record read. A drifting sale is rebuilt from the record; <c>reset.lua</c>
    /// re-checks the outbox atomically, so nothing decided and unrecorded is ever dropped.
    /// </summary>
    public async Task<IReadOnlyList<SaleReconciliation>> ReconcileAsync(bool repair, CancellationToken ct)
    {
        var report = new List<SaleReconciliation>();
        foreach (var sale in await sales.ListAsync(ct))
        {
            report.Add(await RecordedTerms.CompareAsync(this, sales, await ReconcileAsync(sale, repair, ct), sale, repair, log, ct));
        }

        return report;
    }

    /// <summary>The sale's meta as <c>sale.lua</c> and <c>rebuild.lua</c> write it; null without it (no state).</summary>
    public async Task<LedgerTerms?> GetTermsAsync(Guid saleId, CancellationToken ct)
    {
        var values = await redis.GetDatabase().HashGetAsync(RedisKeys.Meta(saleId),
            ["total", "limit", "starts", "ends", "price", "currency", "withdrawn"]);
        if (values[0].IsNull)
        {
            return null;
        }

        return new LedgerTerms(LedgerValues.Int(values[0]!), LedgerValues.Int(values[1]!),
            DateTimeOffset.FromUnixTimeMilliseconds(LedgerValues.Long(values[2]!)),
            DateTimeOffset.FromUnixTimeMilliseconds(LedgerValues.Long(values[3]!)),
            LedgerValues.ParsePrice(values[4]!), values[5].ToString(), Withdrawn: !values[6].IsNull);
    }

    private async Task<SaleReconciliation> ReconcileAsync(Sale sale, bool repair, CancellationToken ct)
    {
        var db = redis.GetDatabase();
        var id = sale.Id;
        if (await state.EnsureAsync(id, ct) == LedgerState.Ended)
        {
            return await SettledByTheRecordAsync(sale, ct);
        }

        var started = Stopwatch.GetTimestamp();
        int? seen = null;
        while (true)
        {
            var before = await MeasureAsync(db, id);
            var timedOut = Stopwatch.GetElapsedTime(started) >= ReconcileWait;
            if ((before.Unrecorded != 0 || before.Cancelling != 0) && before.Total >= 0 && !timedOut)
            {
                // Not a moment to compare at: PostgreSQL's sum of a selling sale is read once it is quiet, not every 20 ms.
                await Task.Delay(TimeSpan.FromMilliseconds(20), ct);
                continue;
            }

            var recordSold = await record.SoldAsync(id, ct);
            var after = await MeasureAsync(db, id);
            if (after.Total < 0 && await state.EnsureAsync(id, ct) == LedgerState.Ended)
            {
                // Retired meanwhile: no drift to repair, and none to report (its outbox was empty).
                return await SettledByTheRecordAsync(sale, ct);
            }

            var settled = before == after && after.Unrecorded == 0 && after.Cancelling == 0;
            if (settled || timedOut)
            {
                var ledgerSold = after.Total < 0 || after.Stock < 0 ? 0 : after.Total - after.Stock;
                var drift = ledgerSold - recordSold;
                if (!repair && settled && drift != 0 && seen != drift && !timedOut)
                {
                    // A check reports drift only when a second settled reading finds the same: equal readings around the
                    // record's read can still hide a purchase recorded and a cancel completed between them (Redis keeps no
                    // change counter). A repair needs no second look: a needless rebuild from the record changes nothing.
                    seen = drift;
                    await Task.Delay(TimeSpan.FromMilliseconds(20), ct);
                    continue;
                }

                var repaired = false;
                var overStock = recordSold > sale.TotalStock;
                if (overStock && repair)
                {
                    LogRecordOverStock(id, recordSold, sale.TotalStock);
                }

                if (settled && drift != 0 && repair && !overStock)
                {
                    var reset = (long)await scripts.Reset.EvaluateAsync(db,
                        [RedisKeys.Meta(id), RedisKeys.Stock(id), RedisKeys.Buyers(id), RedisKeys.Cancelled(id), RedisKeys.Outbox(id)], []);
                    if (reset == 1)
                    {
                        await state.EnsureAsync(id, ct);
                        ForgetSoldOut(id);
                        notifier.StockChanged(id);
                        LogRepaired(id, ledgerSold, recordSold);
                        repaired = true;
                    }
                    else
                    {
                        settled = false;
                    }
                }

                return new SaleReconciliation(id, sale.Sku, sale.TotalStock, recordSold, ledgerSold, drift, repaired, Busy: !settled,
                    RecordOverStock: overStock);
            }

            await Task.Delay(TimeSpan.FromMilliseconds(20), ct);
        }
    }

    /// <summary>
    /// An ended sale without state (retired): the record is the only book, so it agrees with itself. Rebuilding it to
    /// compare would bring back what retirement freed, for a sale that can no longer change but by a cancel, which
    /// updates the record only.
    /// </summary>
    private async Task<SaleReconciliation> SettledByTheRecordAsync(Sale sale, CancellationToken ct)
    {
        var recordSold = await record.SoldAsync(sale.Id, ct);
        return new SaleReconciliation(sale.Id, sale.Sku, sale.TotalStock, recordSold, recordSold, 0, Repaired: false, Busy: false);
    }

    private async Task<LedgerReading> MeasureAsync(IDatabase db, Guid id)
    {
        var values = (long[])(await scripts.Measure.EvaluateAsync(db,
            [RedisKeys.Meta(id), RedisKeys.Stock(id), RedisKeys.Outbox(id), RedisKeys.Cancelling(id)],
            [DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()]))!;
        return new LedgerReading((int)values[0], (int)values[1], values[2], values[3]);
    }

    /// <summary>Development only: every sale closed in Redis first, then the record wiped, then the Redis state dropped.</summary>
    public async Task ResetAsync(CancellationToken ct)
    {
        var db = redis.GetDatabase();
        var known = RedisKeys.SaleIds(await db.SetMembersAsync(RedisKeys.Registry(_options.Namespace))).ToList();
        foreach (var id in known)
        {
            await scripts.Withdraw.EvaluateAsync(db, [RedisKeys.Meta(id), RedisKeys.Stock(id), RedisKeys.Outbox(id)], ["1"]);
        }

        await record.WipeAsync(ct);
        foreach (var id in known)
        {
            await ForgetAsync(db, id);
            notifier.StockChanged(id);
        }

        _soldOut.Clear();
        LogReset();
    }

    private async Task ForgetAsync(IDatabase db, Guid id)
    {
        // One hash tag: one slot, so one DEL even on a cluster. Idempotency keys of a sale without
        // orders are remembered refusals only; they expire by themselves.
        await db.KeyDeleteAsync([
            RedisKeys.Meta(id), RedisKeys.Stock(id), RedisKeys.Buyers(id), RedisKeys.Cancelled(id),
            RedisKeys.Cancelling(id), RedisKeys.Outbox(id), RedisKeys.Refused(id), RedisKeys.EndCap(id),
        ]);
        await db.SetRemoveAsync(RedisKeys.Registry(_options.Namespace), id.ToString("D"));
    }

    private readonly record struct LedgerReading(int Total, int Stock, long Unrecorded, long Cancelling);

    [LoggerMessage(EventId = 4103, Level = LogLevel.Warning, Message = "Reconciliation repaired sale {SaleId}: the ledger said {LedgerSold} sold, the record {RecordSold}")]
    private partial void LogRepaired(Guid saleId, int ledgerSold, int recordSold);

    [LoggerMessage(EventId = 4108, Level = LogLevel.Error,
        Message = "Reconciliation left sale {SaleId} as it was: its order record holds {RecordSold} units of a stock of {TotalStock} (oversold in the record itself); rebuilding from it would leave the stock below zero. Cancel the orders in excess, then reconcile")]
    private partial void LogRecordOverStock(Guid saleId, int recordSold, int totalStock);

    [LoggerMessage(EventId = 4104, Level = LogLevel.Warning, Message = "Development reset: every sale and order was wiped")]
    private partial void LogReset();
}
