using System.Collections.Concurrent;
using System.Diagnostics;
using FlashSale.Live;
using FlashSale.Orders;
using FlashSale.Purchasing;
using FlashSale.Sales;
using FlashSale.Storage.Postgres;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Order = FlashSale.Orders.Order;

namespace FlashSale.Storage.Redis;

/// <summary>
/// The distributed purchase ledger: one Lua script per attempt decides on the sale's Redis keys
/// and appends the order to the sale's outbox in the same atomic step; the answer then waits
/// (bounded) until the persister has committed that order to PostgreSQL (G3).
/// </summary>
public sealed partial class RedisLedger(
    IConnectionMultiplexer redis,
    LedgerScripts scripts,
    SaleStateBuilder state,
    OutboxPersister persister,
    CommitWaiters waiters,
    FailoverWatch failover,
    PendingReplication replication,
    RecordHealth health,
    PostgresOrderRecord record,
    PostgresEndedSales ended,
    IOrderStore orders,
    ISaleStore sales,
    TimeProvider clock,
    ClockSkewWatch clockWatch,
    IStockNotifier notifier,
    IOptions<DistributedOptions> options,
    ILogger<RedisLedger> log) : IPurchaseLedger
{
    private const string LedgerDown = "The purchase ledger is unreachable; if this attempt carried an Idempotency-Key, retry with the same key to learn its outcome.";
    private const string LedgerUnreachable = "The purchase ledger is unreachable; this attempt was not sent to it, so nothing was bought. Try again shortly.";
    private const string PendingUnconfirmed = "The order was decided but is not recorded yet, and its safekeeping in Redis (its outbox entry, a replica's copy) could not be confirmed; if this attempt carried an Idempotency-Key, retry with the same key to learn its outcome.";
    private const string RebuildPendingKeyUnknown = "This sale is being rebuilt from the record by another instance; this attempt bought nothing, but this Idempotency-Key's earlier outcome cannot be looked up until it is: retry with the same key shortly to learn it.";
    private const string ClockOff = "This server's clock is out of step with the others' (or not yet compared with them), so it cannot tell whether the sale is open; nothing was bought. Try again shortly.";
    private const string ClockOffKeyed = "This server's clock is out of step with the others' (or not yet compared with them), so this attempt was not decided; retry with the same Idempotency-Key shortly to learn the key's outcome.";
    private const string LedgerRefused = "The purchase ledger refused this attempt before deciding it (Redis is moving or restoring this sale's data); nothing was bought. Try again shortly.";

    /// <summary>
    /// How long a purchase retries a refusal that passes by itself (<see cref="RedisFailure.IsRefusedForAMoment"/>: a slot
    /// migration's TRYAGAIN, a failover) before it answers 503 "nothing was bought", and the first wait between tries
    /// (doubled each time: 25, 50, 100, 200, 400 ms).
    /// </summary>
    internal static readonly TimeSpan RefusedRetryBudget = TimeSpan.FromSeconds(1);

    private static readonly TimeSpan RefusedFirstBackoff = TimeSpan.FromMilliseconds(25);
    private readonly ConcurrentDictionary<Guid, SoldOutMark> _soldOut = new();

    /// <summary>Stock changes begun on this instance (admin changes, cancels, repairs): see <see cref="ForgetSoldOut"/>.</summary>
    private long _stockChanges;
    private readonly DistributedOptions _options = options.Value;

    /// <summary>How long a cancel may take between its record update and its ledger step before reconciliation stops waiting for it.</summary>
    private static readonly TimeSpan CancelInFlight = TimeSpan.FromSeconds(30);

    public async Task<PurchaseOutcome> PurchaseAsync(PurchaseAttempt attempt, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        // Sold-out short-circuit: the late crowd is answered in process for a moment.
        if (_soldOut.TryGetValue(attempt.SaleId, out var mark) && Stopwatch.GetTimestamp() < mark.Until && now.ToUnixTimeMilliseconds() < mark.EndsMs
            && attempt.FitsSoldOutShortCircuit(mark.Limit))
        {
            return PurchaseOutcome.Rejected.SoldOut(0);
        }

        if (!clockWatch.InStep)
        {
            // G6: this clock would open or close the sale at another moment than the other instances' (ClockSkewWatch), or
            // may: not compared with Redis's yet.
            // A keyed retry is not told "nothing was bought": the key's first attempt may have bought (G5).
            return attempt.IdempotencyKey is null
                ? new PurchaseOutcome.Unavailable(ClockOff)
                : new PurchaseOutcome.Unavailable(ClockOffKeyed, OutcomeUnknown: true);
        }

        try
        {
            if (health.IsDown)
            {
                // Fail closed before deciding: nobody could record the order (G3, G7). A keyed attempt is told what its
                // key holds (RedisLedger.RecordDown.cs).
                return attempt.IdempotencyKey is { } key
                    ? await AnswerKeyedWhileRecordDownAsync(attempt, key, ct)
                    : new PurchaseOutcome.Unavailable(RecordDown);
            }

            return await DecideAsync(attempt, now, ct);
        }
        catch (Exception ex) when (IsStoreFailure(ex, ct))
        {
            return AnswerStoreFailure(ex, attempt);
        }
    }

    /// <summary>
    /// The decision: the script run (tried again for a moment when Redis refuses it before running it), the sale's state
    /// rebuilt once from the record when missing, then the reply acted on.
    /// </summary>
    private async Task<PurchaseOutcome> DecideAsync(PurchaseAttempt attempt, DateTimeOffset now, CancellationToken ct)
    {
        var nowMs = now.ToUnixTimeMilliseconds();
        var rebuilt = false;
        var firstTry = Stopwatch.GetTimestamp();
        var backoff = RefusedFirstBackoff;
        while (true)
        {
            // Version 7: time-ordered keys append to the record's primary key index; unguessable (OrderIds.cs).
            var orderId = OrderIds.New(now);
            // Registered before deciding: this instance's persister may commit the order before the script's reply arrives.
            var committed = waiters.Register(orderId);
            var changesBefore = Volatile.Read(ref _stockChanges);
            string[] reply;
            try
            {
                reply = (string[])(await RunPurchaseAsync(attempt, nowMs, orderId))!;
            }
            catch (Exception ex) when (ex is RedisTimeoutException or TaskCanceledException || RedisFailure.IsBrokenConnection(ex))
            {
                // Sent but unanswered: the script may have run. Its order, if any, reaches the record.
                // (StackExchange.Redis cancels commands outstanding on a connection that dies, or fails them with
                // the raw error of its broken write path or read loop, a reset socket's: the same unknown outcome as
                // a timeout. Nothing else cancels here: ct is not passed to Redis.)
                LogRedisFailed(attempt.SaleId, ex.Message);
                return await ResolveUnansweredAsync(orderId, committed, ct);
            }
            catch (Exception ex) when (RedisFailure.IsRefusedForAMoment(ex)
                && Stopwatch.GetElapsedTime(firstTry) + backoff <= RefusedRetryBudget)
            {
                // Refused before the script ran (a slot in migration answers TRYAGAIN for as long as it moves, a failover
                // READONLY or CLUSTERDOWN): nothing was decided. Tried again shortly, decided at the time it then runs (G6).
                waiters.Forget(orderId);
                await Task.Delay(backoff, ct);
                backoff *= 2;
                now = clock.GetUtcNow();
                nowMs = now.ToUnixTimeMilliseconds();
                continue;
            }
            catch
            {
                waiters.Forget(orderId);
                throw;
            }

            if (reply[0] != "ok")
            {
                waiters.Forget(orderId);
            }

            if (reply[0] == "missing" && !rebuilt)
            {
                rebuilt = true;
                switch (await state.EnsureAsync(attempt.SaleId, ct))
                {
                    case LedgerState.NoSale:
                        return PurchaseOutcome.Rejected.NoSuchSale();
                    case LedgerState.Ended:
                        return await AnswerEndedAsync(attempt, ct);
                }

                // Decided now, not when it arrived: waiting for another instance's rebuild can take up to RebuildWait,
                // past the sale's end or an admin's early end (G6).
                now = clock.GetUtcNow();
                nowMs = now.ToUnixTimeMilliseconds();
                continue;
            }

            return await ActOnAsync(attempt, reply, orderId, committed, nowMs, changesBefore, ct);
        }
    }

    /// <summary>Whether <paramref name="ex"/> is a store failing (answered by <see cref="AnswerStoreFailure"/>), not a bug.</summary>
    private static bool IsStoreFailure(Exception ex, CancellationToken ct) =>
        RedisFailure.Is(ex) || ex is TaskCanceledException && !ct.IsCancellationRequested
        || ex is SaleRebuildPendingException or Npgsql.NpgsqlException or TimeoutException or StoreUnavailableException;

    /// <summary>
    /// A store's failure, answered. The arms' ORDER IS LOAD-BEARING: the narrower Redis kinds come before
    /// <see cref="RedisFailure.Is"/>, and every Redis kind before the record's arm, because a <c>RedisTimeoutException</c>
    /// and a <see cref="SaleRebuildPendingException"/> are both <see cref="TimeoutException"/>s, which the last arm would
    /// take as PostgreSQL failing and mark the record down for every sale.
    /// </summary>
    private PurchaseOutcome AnswerStoreFailure(Exception ex, PurchaseAttempt attempt)
    {
        if (RedisFailure.IsRefusedBeforeRunning(ex))
        {
            // The script never ran (still refused after the retries): nothing was bought, and the buyer may simply try again.
            // Until 2026-12-06 this answered "outcome unknown": a 16.6 s slot migration gave 40,041 such 503s and no 201.
            LogRedisFailed(attempt.SaleId, ex.Message);
            return new PurchaseOutcome.Unavailable(LedgerRefused);
        }

        if (RedisFailure.IsNeverSent(ex))
        {
            // No connection was up, so the script was never written: nothing was bought. Until 2026-12-06 this answered
            // "outcome unknown", and a client retried a key that could not have bought anything.
            LogRedisFailed(attempt.SaleId, ex.Message);
            return new PurchaseOutcome.Unavailable(LedgerUnreachable);
        }

        if (RedisFailure.Is(ex) || ex is TaskCanceledException)
        {
            LogRedisFailed(attempt.SaleId, ex.Message);
            return new PurchaseOutcome.Unavailable(LedgerDown, OutcomeUnknown: true);
        }

        if (ex is SaleRebuildPendingException)
        {
            // Not the record failing: this sale's state is being restored elsewhere. The record stays up for every other sale.
            // Nothing was decided; but the state's loss took the key's decision with it, so a keyed retry of an attempt
            // that bought (its order in the record alone until the rebuild) must not read "nothing was bought" as the key's.
            return attempt.IdempotencyKey is null
                ? new PurchaseOutcome.Unavailable(ex.Message)
                : new PurchaseOutcome.Unavailable(RebuildPendingKeyUnknown, OutcomeUnknown: true);
        }

        // The record (NpgsqlException, TimeoutException, StoreUnavailableException), only where the sale's state was missing
        // (its rebuild, a retired sale's lookup): nothing was decided, and a key's earlier order, if any, is in the record
        // alone, which did not answer. (StoreUnavailableException: the record's requests refused at once, marked down since
        // this attempt passed the check above.)
        if (ex is not StoreUnavailableException)
        {
            health.MarkDown();
        }

        return attempt.IdempotencyKey is null
            ? new PurchaseOutcome.Unavailable(RecordDown)
            : new PurchaseOutcome.Unavailable(RecordDownKeyUnknown, OutcomeUnknown: true);
    }

    private Task<RedisResult> RunPurchaseAsync(PurchaseAttempt attempt, long nowMs, Guid orderId)
    {
        var sale = attempt.SaleId;
        var key = attempt.IdempotencyKey;
        return scripts.Purchase.EvaluateAsync(redis.GetDatabase(),
            [
                RedisKeys.Meta(sale), RedisKeys.Stock(sale), RedisKeys.Buyers(sale),
                key is null ? RedisKeys.NoIdempotency(sale) : RedisKeys.Idempotency(sale, attempt.UserId, key),
                RedisKeys.Outbox(sale),
            ],
            [
                attempt.UserId, attempt.Username, attempt.Quantity, nowMs, orderId.ToString("D"), key is null ? 0 : 1,
                (long)_options.DecisionTtl.TotalSeconds, key ?? "",
                attempt.ExpectedUnitPrice is { } price ? LedgerValues.Price(price) : "", attempt.ExpectedCurrency ?? "",
            ]);
    }

    private async Task<PurchaseOutcome> ActOnAsync(PurchaseAttempt attempt, string[] reply, Guid orderId, Task<bool> committed,
        long nowMs, long changesBefore, CancellationToken ct)
    {
        switch (reply[0])
        {
            case "ok":
                var order = NewOrder(attempt, orderId, nowMs, LedgerValues.Int(reply[1]), reply[2], reply[3]);
                persister.Wake(attempt.SaleId);
                notifier.StockChanged(attempt.SaleId);
                // The entry's id; a shorter reply (a purchase.lua older than the check) is read as none, never an exception.
                return await AwaitRecordAsync(order, committed, checkFirst: false, reply.Length > 5 ? reply[5] : null, ct);
            case "replay":
                return (await ReplayAsync(attempt, reply[1], ct)).AsReplay();
            case "quantity":
                return PurchaseOutcome.Rejected.QuantityOutOfRange(LedgerValues.Int(reply[1]));
            case "price_changed":
                return PurchaseOutcome.Rejected.PriceChanged(LedgerValues.ParsePrice(reply[1]), reply[2]);
            case "not_started":
                // Held shut while the shop changes the sale (starts = ends, SaleCommands.UpdateAsync): a moment, not a start.
                return reply.Length > 2 && reply[1] == reply[2]
                    ? PurchaseOutcome.BeingChanged
                    : PurchaseOutcome.Rejected.NotStarted(FromMs(reply[1]));
            case "ended":
                return PurchaseOutcome.Rejected.Ended(FromMs(reply[1]));
            case "limit_reached":
                // Keyed and Redis may have failed over: the record first (RedisLedger.Failover.cs).
                if (ChecksRejection(attempt) && await CheckRejectionAsync(attempt, ct) is { } recordedOrNot)
                {
                    return recordedOrNot;
                }

                return LimitReached(reply[1], reply[2]);
            case "sold_out":
                var remaining = LedgerValues.Int(reply[1]);
                if (ChecksRejection(attempt) && await CheckRejectionAsync(attempt, ct) is { } checkedOutcome)
                {
                    return checkedOutcome;
                }

                // Not from a decision that a stock change on this instance may have overtaken: its mark, set after the
                // change forgot the sale's, refused every buyer here for half a second after a top-up.
                if (remaining == 0 && Volatile.Read(ref _stockChanges) == changesBefore)
                {
                    _soldOut[attempt.SaleId] = new SoldOutMark(LedgerValues.Long(reply[3]), LedgerValues.Int(reply[2]),
                        Stopwatch.GetTimestamp() + Stopwatch.Frequency / 2);
                }

                return SoldOut(remaining);
            case "withdrawn":
                return PurchaseOutcome.Rejected.NoSuchSale();
            case "missing":
                return new PurchaseOutcome.Unavailable("The sale's ledger state is being rebuilt; nothing was bought. Try again.");
            default:
                throw new InvalidOperationException($"Unknown script verdict '{reply[0]}'.");
        }
    }

    /// <summary>A retry with a known key: the first outcome again, or 422 for another body.</summary>
    private async Task<PurchaseOutcome> ReplayAsync(PurchaseAttempt attempt, string stored, CancellationToken ct)
    {
        var parts = stored.Split('|');
        if (LedgerValues.Int(parts[1]) != attempt.Quantity)
        {
            return Reject(PurchaseRejection.IdempotencyKeyMismatch, "This Idempotency-Key was used with another body.");
        }

        if (parts[0] == "R")
        {
            // A rejection remembered by a state that may be stale (written in the window and not let go, or just before
            // the event reached this process): the record first, as for a fresh one.
            if (ChecksRejection(attempt) && await CheckRejectionAsync(attempt, ct) is { } checkedOutcome)
            {
                return checkedOutcome;
            }

            return parts[2] == "limit_reached" ? LimitReached(parts[3], parts[4]) : SoldOut(LedgerValues.Int(parts[3]));
        }

        var orderId = Guid.ParseExact(parts[2], "D");
        var order = NewOrder(attempt, orderId, LedgerValues.Long(parts[3]), LedgerValues.Int(parts[4]), parts[5], parts[6]);
        return await AwaitRecordAsync(order, waiters.Register(orderId), checkFirst: true, outboxEntry: null, ct);
    }

    /// <summary>
    /// Waits until the order is in PostgreSQL: the persister that wrote it tells this process
    /// (in process, or over pub/sub from another instance); a slow poll of the record covers a
    /// lost notice. Past <see cref="DistributedOptions.CommitWait"/> the answer is 202 pending if Redis can be shown to keep
    /// the order (<see cref="PendingReplication"/>: its outbox entry still there, a replica holding it), else 503 with the
    /// outcome unknown.
    /// </summary>
    private async Task<PurchaseOutcome> AwaitRecordAsync(Order order, Task<bool> committed, bool checkFirst, string? outboxEntry,
        CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        var noted = false;
        try
        {
            if (checkFirst && !health.IsDown && await record.ExistsWithinAsync(order.Id, _options.CommitWait))
            {
                return new PurchaseOutcome.Confirmed(order);
            }

            while (true)
            {
                var left = _options.CommitWait - Stopwatch.GetElapsedTime(started);
                if (left <= TimeSpan.Zero)
                {
                    // Only in Redis until the persister records it: a 2xx needs it still there, and held where a failover
                    // would lead (G3). A replay's entry is not known; its key is, and a key outlives its entry only in the record.
                    if (!await replication.HeldAsync(order.SaleId, outboxEntry, started))
                    {
                        // An entry gone may have been recorded a moment ago: the record has the last word if it answers at once.
                        return !health.IsDown && await record.ExistsWithinAsync(order.Id, _options.CommitPoll)
                            ? new PurchaseOutcome.Confirmed(order)
                            : new PurchaseOutcome.Unavailable(PendingUnconfirmed, OutcomeUnknown: true);
                    }

                    LogPending(order.SaleId, order.Id);
                    return new PurchaseOutcome.Pending(order);
                }

                try
                {
                    // WaitAsync drops its timer as soon as the notice comes (a Task.Delay per purchase stayed queued for the full poll).
                    return await committed.WaitAsync(left < _options.CommitPoll ? left : _options.CommitPoll, ct)
                        ? new PurchaseOutcome.Confirmed(order)
                        : new PurchaseOutcome.Unavailable("The record refused this order; nothing was bought.");
                }
                catch (TimeoutException)
                {
                    // No notice yet: look in the record itself. Slow, so it may end as a 202: its master's replication
                    // offset now, close to its decision (once: a noted purchase's later polls share what it started).
                    if (!noted)
                    {
                        noted = true;
                        replication.Note(order.SaleId, started);
                    }
                }

                // Bounded by what is left of CommitWait: a stalled PostgreSQL must not hold the answer past it.
                left = _options.CommitWait - Stopwatch.GetElapsedTime(started);
                if (left > TimeSpan.Zero && !health.IsDown && await record.ExistsWithinAsync(order.Id, left))
                {
                    return new PurchaseOutcome.Confirmed(order);
                }
            }
        }
        finally
        {
            waiters.Forget(order.Id);
        }
    }

    /// <summary>
    /// A script that timed out may still have decided: look for its order as a waiting purchase
    /// would. Found → 201 with the recorded order; not found in time → 503 (outcome unknown to
    /// this request; a retry with the same Idempotency-Key learns it).
    /// </summary>
    private async Task<PurchaseOutcome> ResolveUnansweredAsync(Guid orderId, Task<bool> committed, CancellationToken ct)
    {
        try
        {
            var started = Stopwatch.GetTimestamp();
            while (Stopwatch.GetElapsedTime(started) < _options.CommitWait)
            {
                var done = await Task.WhenAny(committed, Task.Delay(_options.CommitPoll, ct));
                if (done == committed && !await committed)
                {
                    break;
                }

                var left = _options.CommitWait - Stopwatch.GetElapsedTime(started);
                if (done == committed || (left > TimeSpan.Zero && !health.IsDown && await record.ExistsWithinAsync(orderId, left)))
                {
                    Order? order;
                    try
                    {
                        order = await orders.FindAsync(orderId, ct);
                    }
                    catch (Exception ex) when (ex is Npgsql.NpgsqlException or TimeoutException or StoreUnavailableException)
                    {
                        // The order is recorded, only not readable now: the outcome stays unknown to this request. Caught
                        // further out, this read's failure answered "nothing was bought" for a bought unit (and marked the
                        // record down for every purchase).
                        break;
                    }

                    if (order is not null)
                    {
                        return new PurchaseOutcome.Confirmed(order);
                    }
                }
            }

            return new PurchaseOutcome.Unavailable(LedgerDown, OutcomeUnknown: true);
        }
        finally
        {
            waiters.Forget(orderId);
        }
    }

    /// <summary>Two Redis commands a sale: the public list keeps them for Sales:ListStockMaxAge.</summary>
    public bool ReadsStockRemotely => true;

    public async Task<StockLevel> GetStockAsync(Sale sale, CancellationToken ct) => (await GetStocksAsync([sale], ct))[0];

    /// <summary>
    /// The sales' counters in one pipelined batch (one round trip, not two per sale; a front page listing every sale
    /// did 2N sequential ones). A sale whose state Redis lost is rebuilt from the record first, unless it has ended:
    /// then the record's confirmed units answer, for all such sales in one query (a retired sale's state is gone for
    /// good, <see cref="SaleRetirement"/>; its outbox was empty, so the record has every order). Redis failing, the
    /// stock is not known: 503 (<see cref="StoreUnavailableException"/>). The record's count is no stand-in for a sale
    /// with state: orders decided but still in Redis's outbox are not in it, so a sold-out sale read "active, N left"
    /// for the whole outage (and the live feed sent that to its viewers) while no purchase could be made.
    /// </summary>
    public async Task<IReadOnlyList<StockLevel>> GetStocksAsync(IReadOnlyList<Sale> sales, CancellationToken ct)
    {
        try
        {
            var (stocks, totals) = await ReadCountersAsync(sales);
            var levels = new StockLevel[sales.Count];
            List<int>? fromRecord = null;
            for (var i = 0; i < sales.Count; i++)
            {
                var (stock, total) = (stocks[i], totals[i]);
                if (stock.IsNull)
                {
                    // Ended by the copy at hand: no lookup each (an ended sale's end never moves later).
                    var found = state.HasEnded(sales[i]) ? LedgerState.Ended : await state.EnsureAsync(sales[i].Id, ct);
                    if (found == LedgerState.Ended)
                    {
                        (fromRecord ??= []).Add(i);
                        continue;
                    }

                    if (found == LedgerState.Present)
                    {
                        var (rebuilt, rebuiltTotal) = await ReadCountersAsync([sales[i]]);
                        (stock, total) = (rebuilt[0], rebuiltTotal[0]);
                    }
                }

                levels[i] = new StockLevel(total.IsNull ? sales[i].TotalStock : (int)total, stock.IsNull ? sales[i].TotalStock : (int)stock);
            }

            if (fromRecord is not null)
            {
                var units = await ended.ConfirmedUnitsAsync(fromRecord.Select(i => sales[i].Id).ToList(), ct);
                foreach (var i in fromRecord)
                {
                    var total = sales[i].TotalStock;
                    levels[i] = new StockLevel(total, Math.Max(0, total - units.GetValueOrDefault(sales[i].Id)));
                }
            }

            return levels;
        }
        catch (Exception ex) when (RedisFailure.Is(ex) || ex is TaskCanceledException && !ct.IsCancellationRequested)
        {
            throw new StoreUnavailableException("Redis is not answering: the stock cannot be read.", ex);
        }
    }

    /// <summary>Each sale's remaining stock and total, read together.</summary>
    private async Task<(RedisValue[] Stocks, RedisValue[] Totals)> ReadCountersAsync(IReadOnlyList<Sale> sales)
    {
        var batch = redis.GetDatabase().CreateBatch();
        var stocks = sales.Select(s => batch.StringGetAsync(RedisKeys.Stock(s.Id))).ToArray();
        var totals = sales.Select(s => batch.HashGetAsync(RedisKeys.Meta(s.Id), "total")).ToArray();
        batch.Execute();
        return (await Task.WhenAll(stocks), await Task.WhenAll(totals));
    }

    public async Task SaleChangedAsync(Sale sale, CancellationToken ct)
    {
        try
        {
            await state.SaleChangedAsync(sale, ct);
        }
        finally
        {
            ForgetSoldOut(sale.Id);
            notifier.StockChanged(sale.Id);
        }
    }

    public async Task<DateTimeOffset> EndAsync(Sale sale, DateTimeOffset end, CancellationToken ct)
    {
        try
        {
            return await state.EndAsync(sale, end, ct);
        }
        finally
        {
            ForgetSoldOut(sale.Id);
            notifier.StockChanged(sale.Id);
        }
    }

    public async Task<StockChange> TryChangeStockAsync(Sale changed, CancellationToken ct)
    {
        var change = await state.TryChangeStockAsync(changed, ct);
        if (change.Verdict == StockChangeVerdict.Taken)
        {
            ForgetSoldOut(changed.Id);
            notifier.StockChanged(changed.Id);
        }

        return change;
    }

    /// <summary>
    /// After a change of the sale's stock in Redis: its sold-out mark goes, and no decision sent before this may set one
    /// again (a sold-out reply decided under the old terms and arriving after the change refused every buyer of this
    /// instance for half a second after a top-up or a cancel). Other instances keep theirs for at most that half second.
    /// </summary>
    private void ForgetSoldOut(Guid saleId)
    {
        Interlocked.Increment(ref _stockChanges);
        _soldOut.TryRemove(saleId, out _);
    }

    public async Task<CancelOutcome> CancelAsync(Guid orderId, string cancelledBy, CancellationToken ct)
    {
        try
        {
            var order = await orders.FindAsync(orderId, ct);
            if (order is null)
            {
                return new CancelOutcome.NotFound();
            }

            // The record first: if Redis then fails, the ledger under-sells until reconciliation —
            // never the other way round. Returning the stock is keyed by order id, so a repeated
            // cancel finishes an interrupted one and never returns the stock twice.
            var sale = order.SaleId;
            var db = redis.GetDatabase();
            if (order.Status == OrderStatus.Confirmed)
            {
                // Announced first, so reconciliation waits for this cancel rather than calling it drift.
                await db.SortedSetAddAsync(RedisKeys.Cancelling(sale), orderId.ToString("D"),
                    DateTimeOffset.UtcNow.Add(CancelInFlight).ToUnixTimeMilliseconds());
                await record.CancelAsync(orderId, clock.GetUtcNow(), cancelledBy, ct);
            }

            RedisKey[] keys = [RedisKeys.Meta(sale), RedisKeys.Stock(sale), RedisKeys.Buyers(sale), RedisKeys.Cancelled(sale), RedisKeys.Cancelling(sale)];
            RedisValue[] args = [orderId.ToString("D"), order.UserId, order.Quantity];
            if ((string?)await scripts.Cancel.EvaluateAsync(db, keys, args) == "missing"
                && await state.EnsureAsync(sale, ct) == LedgerState.Present)
            {
                // No state: rebuilt (or being rebuilt) from the record, then the stock returned in it, as a purchase does.
                // Left to the rebuild, a rebuild that had read the order before this cancel's record write (another
                // instance's, under way) wrote it back as held: answered cancelled, the unit never came back and the buyer
                // stayed at the limit until reconciliation. One that read it cancelled has it in :cancelled: 'already'.
                // An ended sale without state is never rebuilt: the record's update above is the whole cancel, and its
                // reads come from the record, which has it.
                await scripts.Cancel.EvaluateAsync(db, keys, args);
            }

            ForgetSoldOut(sale);
            notifier.StockChanged(sale);
            return new CancelOutcome.Cancelled(await orders.FindAsync(orderId, ct) ?? order);
        }
        catch (Exception ex) when (RedisFailure.Is(ex) || ex is Npgsql.NpgsqlException or TimeoutException
            or TaskCanceledException && !ct.IsCancellationRequested)
        {
            LogCancelUnfinished(orderId, ex);
            return new CancelOutcome.Unavailable();
        }
    }

    private static Order NewOrder(PurchaseAttempt attempt, Guid id, long ms, int remaining, string price, string currency) => new()
    {
        Id = id,
        SaleId = attempt.SaleId,
        UserId = attempt.UserId,
        Username = attempt.Username,
        Quantity = attempt.Quantity,
        UnitPrice = LedgerValues.ParsePrice(price),
        Currency = currency,
        PurchasedAt = DateTimeOffset.FromUnixTimeMilliseconds(ms),
        RemainingAfter = remaining,
        IdempotencyKey = attempt.IdempotencyKey,
    };

    private static PurchaseOutcome.Rejected Reject(PurchaseRejection reason, string detail) => new(reason, detail);

    private static PurchaseOutcome.Rejected LimitReached(string held, string limit) =>
        PurchaseOutcome.Rejected.LimitReached(LedgerValues.Int(held), LedgerValues.Int(limit));

    private static PurchaseOutcome.Rejected SoldOut(int remaining) => PurchaseOutcome.Rejected.SoldOut(remaining);

    private static DateTimeOffset FromMs(string ms) => DateTimeOffset.FromUnixTimeMilliseconds(LedgerValues.Long(ms));

    private readonly record struct SoldOutMark(long EndsMs, int Limit, long Until);

    [LoggerMessage(EventId = 4101, Level = LogLevel.Warning, Message = "Purchase in sale {SaleId} refused: Redis failed ({Error})")]
    private partial void LogRedisFailed(Guid saleId, string error);

    [LoggerMessage(EventId = 4213, Level = LogLevel.Warning, Message = "Cancel of order {OrderId} not finished: Redis or PostgreSQL failed; answered 503, a repeated cancel finishes it")]
    private partial void LogCancelUnfinished(Guid orderId, Exception error);

    [LoggerMessage(EventId = 4102, Level = LogLevel.Warning, Message = "Order {OrderId} in sale {SaleId} answered pending: not committed in time")]
    private partial void LogPending(Guid saleId, Guid orderId);
}
