using System.Diagnostics;
using FlashSale.Orders;
using FlashSale.Purchasing;
using FlashSale.Sales;
using FlashSale.Storage.Postgres;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace FlashSale.Storage.Redis;

/// <summary>
/// Rebuilds a sale's Redis state from PostgreSQL when it is missing (restart without persistence,
/// FLUSHALL, a new cluster): stock = total − confirmed, buyers' holds, stored orders' keys, under a new
/// ledger epoch (migration 6) that fences out orders the lost state decided and never recorded. One
/// instance rebuilds under a lock (SET NX); the others wait for it.
/// An ended sale's missing state is never rebuilt: the record answers for it (<see cref="LedgerState.Ended"/>), so the
/// retirement sweep (<see cref="SaleRetirement"/>) can drop an ended sale's state with no rebuild racing it.
/// </summary>
public sealed partial class SaleStateBuilder(
    IConnectionMultiplexer redis,
    LedgerScripts scripts,
    ISaleStore sales,
    PostgresOrderRecord record,
    TimeProvider clock,
    IOptions<DistributedOptions> options,
    ILogger<SaleStateBuilder> log)
{
    private static readonly TimeSpan LockTime = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Makes sure the sale's state exists in Redis, unless the sale has ended (its record's end at or before now, server
    /// clock): then the state, if missing, stays missing and the caller answers from the record. An ended sale's end
    /// never moves later (the admin moves a started sale's end only while the record's own statement finds it not ended
    /// at the moment of the write, and ending an upcoming sale moves its start to its end), so once this says
    /// <see cref="LedgerState.Ended"/> it always will.
    /// </summary>
    public async Task<LedgerState> EnsureAsync(Guid saleId, CancellationToken ct)
    {
        var db = redis.GetDatabase();
        var started = Stopwatch.GetTimestamp(); // monotonic: a wall clock stepped back would stretch the wait
        var recordRead = false;
        while (true)
        {
            if (await db.KeyExistsAsync(RedisKeys.Meta(saleId)))
            {
                return LedgerState.Present;
            }

            if (!recordRead)
            {
                // Before the lock: a retired sale's purchases and reads come here each time, and need no lock to learn it.
                recordRead = true;
                var recorded = await sales.FindLatestAsync(saleId, ct);
                if (recorded is null)
                {
                    return LedgerState.NoSale;
                }

                if (HasEnded(recorded))
                {
                    return LedgerState.Ended;
                }

                // Looked at again right before the lock: another rebuild may have finished while the record was read.
                continue;
            }

            var token = Guid.NewGuid().ToString("N");
            if (await db.LockTakeAsync(RedisKeys.RebuildLock(saleId), token, LockTime))
            {
                try
                {
                    // And under the lock: a rebuild that finished and let go of it between the look and the lock was rebuilt
                    // again, its epoch advanced past the orders the first had just decided, which the record then refused as
                    // stale (503, nothing bought; LostStateFenceTests, once the record's read above widened that gap).
                    if (await db.KeyExistsAsync(RedisKeys.Meta(saleId)))
                    {
                        return LedgerState.Present;
                    }

                    return await RebuildAsync(db, saleId, ct);
                }
                finally
                {
                    await db.LockReleaseAsync(RedisKeys.RebuildLock(saleId), token);
                }
            }

            if (Stopwatch.GetElapsedTime(started) > options.Value.RebuildWait)
            {
                throw new SaleRebuildPendingException(saleId);
            }

            await Task.Delay(50, ct);
        }
    }

    /// <summary>Whether the sale is past its end now: its missing state is then never rebuilt.</summary>
    public bool HasEnded(Sale sale) => sale.EndsAt <= clock.GetUtcNow();

    private async Task<LedgerState> RebuildAsync(IDatabase db, Guid saleId, CancellationToken ct)
    {
        // Never a remembered copy: the terms written to Redis are the record's now (an admin's change on another
        // instance a moment ago included), since they decide every purchase of the sale.
        var sale = await sales.FindLatestAsync(saleId, ct);
        if (sale is null)
        {
            return LedgerState.NoSale;
        }

        if (HasEnded(sale))
        {
            // Ended while this waited for the lock: never rebuilt (see EnsureAsync).
            return LedgerState.Ended;
        }

        // The epoch first, then the orders: every batch a persister read from the lost state either committed before
        // the epoch moved (and is among the orders read next) or is refused as decided under an older epoch. Without
        // it, a batch in flight through the loss was recorded after this read and sold again by the stock built here.
        if (await record.AdvanceLedgerEpochAsync(saleId, ct) is not { } epoch)
        {
            return LedgerState.NoSale;
        }

        var orders = await record.ListSaleOrdersAsync(saleId, ct);
        var confirmed = orders.Where(o => o.Status == OrderStatus.Confirmed).ToList();
        var holds = confirmed.GroupBy(o => o.UserId, StringComparer.Ordinal).Select(g => (User: g.Key, Held: g.Sum(o => o.Quantity))).ToList();
        var cancelled = orders.Where(o => o.Status == OrderStatus.Cancelled).Select(o => o.Id).ToList();
        var keyed = orders.Where(o => o.IdempotencyKey is not null).ToList();
        var sold = confirmed.Sum(o => o.Quantity);

        var keys = new List<RedisKey>
        {
            RedisKeys.Meta(saleId), RedisKeys.Stock(saleId), RedisKeys.Buyers(saleId), RedisKeys.Cancelled(saleId),
            RedisKeys.EndCap(saleId),
        };
        keys.AddRange(keyed.Select(o => RedisKeys.Idempotency(saleId, o.UserId, o.IdempotencyKey!)));
        var remaining = Math.Max(0, sale.TotalStock - sold);
        var args = new List<RedisValue>(LedgerValues.SaleTerms(sale)) { remaining, holds.Count };
        foreach (var (user, held) in holds)
        {
            args.Add(user);
            args.Add(held);
        }

        args.Add(cancelled.Count);
        args.AddRange(cancelled.Select(id => (RedisValue)id.ToString("D")));
        args.AddRange(keyed.Select(o => (RedisValue)LedgerValues.KeyForOrder(o)));
        args.Add(epoch);

        var rebuilt = (int)await scripts.Rebuild.EvaluateAsync(db, [.. keys], [.. args]);
        await db.SetAddAsync(RedisKeys.Registry(options.Value.Namespace), saleId.ToString("D"));
        if (rebuilt == 1)
        {
            LogRebuilt(saleId, remaining, orders.Count);
            if (sold > sale.TotalStock)
            {
                // The state says 0 left; the record's excess is the operator's to look at (reconciliation names it too).
                LogRecordOverStock(saleId, sold, sale.TotalStock);
            }
        }

        return LedgerState.Present;
    }

    /// <summary>
    /// A new or changed sale: its terms in Redis, stock following the new total. Its end and stock also go to the sale's
    /// cap (<see cref="RedisKeys.EndCap"/>), which every rebuild from the record applies: an admin's end closes the ledger
    /// before the record's write, and a rebuild in between (this instance's below, or another instance's that held the
    /// lock while this change waited for it) wrote the record's old end and sold past the recorded one (G6); a started
    /// sale's stock cut likewise (G1, G4). The cap outlives this change's wait for a rebuild and its record write; the next
    /// change overwrites it.
    /// </summary>
    public Task SaleChangedAsync(Sale sale, CancellationToken ct) => ApplyAsync(sale, Mode.Any, ct);

    /// <summary>
    /// As <see cref="SaleChangedAsync"/>, for a started sale's stock and end, unless the sale has ended by this instance's
    /// clock or more units are sold or being sold than its new stock: then nothing changes (the end cap included).
    /// </summary>
    public async Task<StockChange> TryChangeStockAsync(Sale sale, CancellationToken ct)
    {
        var (change, endsAtMs) = await ApplyAsync(sale, Mode.Strict, ct);
        return change.Verdict == StockChangeVerdict.Taken ? StockChange.TakenWithEnd(DateTimeOffset.FromUnixTimeMilliseconds(endsAtMs)) : change;
    }

    /// <summary>
    /// "End now" (<see cref="IPurchaseLedger.EndAsync"/>): <paramref name="end"/>, or one millisecond after the latest purchase
    /// the state has decided (<c>purchase.lua</c> keeps its time in the sale's <c>last</c>), whichever is later.
    /// </summary>
    public async Task<DateTimeOffset> EndAsync(Sale sale, DateTimeOffset end, CancellationToken ct) =>
        DateTimeOffset.FromUnixTimeMilliseconds((await ApplyAsync(sale with { EndsAt = end }, Mode.EndNow, ct)).EndsAtMs);

    private enum Mode
    {
        Any,
        Strict,
        EndNow,
    }

    private async Task<(StockChange Change, long EndsAtMs)> ApplyAsync(Sale sale, Mode mode, CancellationToken ct)
    {
        var db = redis.GetDatabase();
        var strict = mode == Mode.Strict;
        RedisKey[] keys = [RedisKeys.Meta(sale.Id), RedisKeys.Stock(sale.Id), RedisKeys.EndCap(sale.Id)];
        RedisValue[] args =
        [
            .. LedgerValues.SaleTerms(sale), (long)EndCapTime.TotalMilliseconds, mode switch { Mode.Strict => "1", Mode.EndNow => "2", _ => "0" },
            clock.GetUtcNow().ToUnixTimeMilliseconds(),
        ];
        var answer = (long[])(await scripts.Sale.EvaluateAsync(db, keys, args))!;
        if (answer[0] == 0)
        {
            // No state yet (a new sale, or a state lost): build it from the record, then apply these terms, which need not
            // be the record's. An admin's end closes the ledger before the record's write; rebuilt from the record alone,
            // the sale stayed open through that write and sold past its recorded end (G6). An ended sale is not rebuilt:
            // a strict change of it is refused as ended, as with its state.
            var present = await EnsureAsync(sale.Id, ct);
            if (present == LedgerState.Ended && strict)
            {
                return (StockChange.Ended, 0);
            }

            if (present == LedgerState.Present)
            {
                args[^1] = clock.GetUtcNow().ToUnixTimeMilliseconds();
                answer = (long[])(await scripts.Sale.EvaluateAsync(db, keys, args))!;
            }
        }
        else if (answer[0] == 1)
        {
            await db.SetAddAsync(RedisKeys.Registry(options.Value.Namespace), sale.Id.ToString("D"));
        }

        var change = answer[0] switch
        {
            2 => StockChange.BelowSold((int)answer[1]),
            3 => StockChange.Ended,
            _ => StockChange.Taken,
        };
        // The end taken: the script's when it changed the state ("end now" may move it past the latest purchase), else the
        // one asked (no state: nothing decided here to move it past).
        return (change, answer[0] == 1 && answer.Length > 2 ? answer[2] : sale.EndsAt.ToUnixTimeMilliseconds());
    }

    /// <summary>
    /// How long a change's end caps rebuilds: longer than the change can take from the ledger to the record (its wait for
    /// another instance's rebuild, then its record write), short enough that a cap left by an instance that died in
    /// between (the ledger closed, the record not) stops closing later rebuilds soon after.
    /// </summary>
    private TimeSpan EndCapTime => options.Value.RebuildWait + options.Value.RequestCommandTimeout + TimeSpan.FromMinutes(1);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Error, Message = "Sale {SaleId} rebuilt in Redis from a record holding {Sold} units of a stock of {TotalStock}: 0 left")]
    private partial void LogRecordOverStock(Guid saleId, int sold, int totalStock);

    [LoggerMessage(EventId = 4001, Level = LogLevel.Information, Message = "Sale {SaleId} rebuilt in Redis from PostgreSQL: {Remaining} left, {Orders} orders")]
    private partial void LogRebuilt(Guid saleId, int remaining, int orders);
}

/// <summary>What <see cref="SaleStateBuilder.EnsureAsync"/> found.</summary>
public enum LedgerState
{
    /// <summary>The sale's state is in Redis (it was, or has just been rebuilt): Redis decides.</summary>
    Present,

    /// <summary>The record has no such sale.</summary>
    NoSale,

    /// <summary>The sale has ended and its state is not in Redis (retired, or lost): the record answers for it.</summary>
    Ended,
}

/// <summary>
/// Another instance is still rebuilding the sale's state (or died holding its lock, which expires): the request is
/// answered 503. A <see cref="TimeoutException"/>, so every path that maps timeouts to 503 maps it too; the purchase
/// path catches it before its own timeout clause, which counts PostgreSQL as down (it did: every purchase of every sale
/// on the instance refused until the next ping, once per purchase that waited).
/// </summary>
public sealed class SaleRebuildPendingException(Guid saleId)
    : TimeoutException($"Sale {saleId} is being rebuilt from the record by another instance; nothing was bought. Try again shortly.");
