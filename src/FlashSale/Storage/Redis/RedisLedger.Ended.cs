using FlashSale.Purchasing;

namespace FlashSale.Storage.Redis;

/// <summary>Purchases of an ended sale whose Redis state is gone (retired or lost): the record answers, never a rebuild.</summary>
public sealed partial class RedisLedger
{
    /// <summary>
    /// What <c>purchase.lua</c> would have answered with the sale's state, in its order (quantity range → key → window):
    /// a retry with a key replays the order it bought as a replay from Redis does (201, the order as first answered,
    /// even if since cancelled; 422 for another quantity), anything else is refused as ended (or not started, for an
    /// upcoming sale ended early). Nothing is decided: the sale is over. A remembered rejection ('R|' key) is not in
    /// the record and answers "ended" here; it would have expired after <c>DecisionTtl</c> anyway.
    /// </summary>
    private async Task<PurchaseOutcome> AnswerEndedAsync(PurchaseAttempt attempt, CancellationToken ct)
    {
        var sale = await sales.FindLatestAsync(attempt.SaleId, ct);
        if (sale is null)
        {
            return PurchaseOutcome.Rejected.NoSuchSale();
        }

        if (attempt.Quantity < 1 || attempt.Quantity > sale.PerUserLimit)
        {
            return PurchaseOutcome.Rejected.QuantityOutOfRange(sale.PerUserLimit);
        }

        if (attempt.IdempotencyKey is { } key && await ended.FindKeyedAsync(sale.Id, attempt.UserId, key, ct) is { } order)
        {
            return ReplayFromRecord(attempt, order);
        }

        return clock.GetUtcNow() < sale.StartsAt
            ? PurchaseOutcome.Rejected.NotStarted(sale.StartsAt)
            : PurchaseOutcome.Rejected.Ended(sale.EndsAt);
    }
}
