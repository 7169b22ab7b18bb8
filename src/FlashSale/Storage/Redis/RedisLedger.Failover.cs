using FlashSale.Purchasing;
using StackExchange.Redis;
using Order = FlashSale.Orders.Order;

namespace FlashSale.Storage.Redis;

/// <summary>
/// A keyed "no" while Redis may have failed over (<see cref="FailoverWatch"/>). A promoted replica that lags lacks the
/// latest Idempotency-Keys of a sale, so a retry of a key whose order the record holds is decided afresh and, when the
/// stale state has no units (or holds the buyer at the limit), answered 409 and remembered under the key ('R|'): a final
/// "no" to a buyer who holds an order (G5). The record's fence rebuilds such a state only once it refuses something the
/// state decided, and a "no" decides nothing it would see.
/// </summary>
public sealed partial class RedisLedger
{
    private const string RecordUnchecked = "The purchase ledger may have failed over and the record cannot be read to confirm its answer; nothing was bought. Try again shortly.";

    /// <summary>Whether a rejection of this attempt is looked up in the record first: keyed, and within the window after an event.</summary>
    private bool ChecksRejection(PurchaseAttempt attempt) => attempt.IdempotencyKey is not null && failover.Suspected;

    /// <summary>
    /// The record's word on a keyed rejection the ledger answered (fresh, or replayed from an 'R|' key). Null: the record holds no order under the key, and the rejection
    /// stands. An order: the state is stale, so the order is answered as a replay does (201 as first answered, 422 for
    /// another quantity) and the key is written back as the order's and the sale's state dropped, in one script
    /// (<c>stale.lua</c>) that acts only while the key still holds a rejection (a rebuild since wrote the order's, and its state is the
    /// record's: kept), as the persister's fence drops a state over the stock: the next purchase or read rebuilds it from
    /// the record under a new ledger epoch, which refuses the rest of its outbox as stale (503). The record unreadable:
    /// 503 nothing bought, and the remembered rejection let go (the same script), or the retry would replay it from Redis
    /// without asking the record again once the window has passed.
    /// </summary>
    private async Task<PurchaseOutcome?> CheckRejectionAsync(PurchaseAttempt attempt, CancellationToken ct)
    {
        var sale = attempt.SaleId;
        var key = RedisKeys.Idempotency(sale, attempt.UserId, attempt.IdempotencyKey!);
        Order? order;
        try
        {
            order = await ended.FindKeyedAsync(sale, attempt.UserId, attempt.IdempotencyKey!, ct);
        }
        catch (Exception ex) when (ex is Npgsql.NpgsqlException or TimeoutException or StoreUnavailableException)
        {
            failover.Checked("unavailable");
            LogRejectionUnchecked(sale, ex.Message);
            try
            {
                await RunStaleAsync(sale, key, "");
            }
            catch (Exception redisEx) when (RedisFailure.Is(redisEx) || redisEx is TaskCanceledException)
            {
                // Left as it is: within the window its replay is looked up again; past it, a rejection the state gave.
                LogRedisFailed(sale, redisEx.Message);
            }

            return new PurchaseOutcome.Unavailable(RecordUnchecked);
        }

        if (order is null)
        {
            failover.Checked("not_recorded");
            return null;
        }

        failover.Checked("recorded");
        LogStaleRejection(sale, order.Id);
        ForgetSoldOut(sale);
        try
        {
            await RunStaleAsync(sale, key, LedgerValues.KeyForOrder(order));
        }
        catch (Exception ex) when (RedisFailure.Is(ex) || ex is TaskCanceledException)
        {
            // The answer stands (the order is in the record); the stale state stays until the fence refuses what it decides.
            LogRedisFailed(sale, ex.Message);
        }

        notifier.StockChanged(sale);
        return ReplayFromRecord(attempt, order);
    }

    private Task<RedisResult> RunStaleAsync(Guid sale, RedisKey key, string orderValue) =>
        scripts.Stale.EvaluateAsync(redis.GetDatabase(),
            [key, RedisKeys.Meta(sale), RedisKeys.Stock(sale), RedisKeys.Buyers(sale), RedisKeys.Cancelled(sale)],
            [orderValue]);

    /// <summary>A keyed order of the record answered as a replay from Redis's key answers it (201 as first answered, or 422).</summary>
    private static PurchaseOutcome ReplayFromRecord(PurchaseAttempt attempt, Order order)
    {
        if (order.Quantity != attempt.Quantity)
        {
            return Reject(PurchaseRejection.IdempotencyKeyMismatch, "This Idempotency-Key was used with another body.");
        }

        // Built as ReplayAsync builds it from the key's value (LedgerValues.KeyForOrder of this same order).
        return new PurchaseOutcome.Confirmed(NewOrder(attempt, order.Id, order.PurchasedAt.ToUnixTimeMilliseconds(),
            order.RemainingAfter, LedgerValues.Price(order.UnitPrice), order.Currency)).AsReplay();
    }

    [LoggerMessage(EventId = 4252, Level = LogLevel.Error, Message = "Sale {SaleId}: Redis answered a retry of recorded order {OrderId} as if its key were new (a failover to a lagging replica); the order is replayed and the sale's state rebuilt from the record")]
    private partial void LogStaleRejection(Guid saleId, Guid orderId);

    [LoggerMessage(EventId = 4253, Level = LogLevel.Warning, Message = "Sale {SaleId}: a keyed rejection could not be checked against the record after a possible failover ({Error}); answered 503")]
    private partial void LogRejectionUnchecked(Guid saleId, string error);
}
