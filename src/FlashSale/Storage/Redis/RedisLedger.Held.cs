using FlashSale.Orders;
using FlashSale.Sales;

namespace FlashSale.Storage.Redis;

/// <summary>A buyer's holding in a sale as purchase.lua counts it: the sale's buyers hash, orders still in the outbox included.</summary>
public sealed partial class RedisLedger
{
    /// <summary>
    /// The buyers hash's value for the user, read in one transaction with the sale's meta key (both in the sale's hash tag:
    /// one slot on a Cluster), so a missing field is known to mean "none" and not "no state". A sale without state is
    /// rebuilt from the record first, as a stock read does, unless it has ended: then the record's confirmed orders are the
    /// holding (a retired sale's outbox was empty). Redis failing: <see cref="StoreUnavailableException"/> (503), never the
    /// record's count, which leaves out the orders still in the outbox.
    /// </summary>
    public async Task<int> GetHeldAsync(Sale sale, string userId, CancellationToken ct)
    {
        try
        {
            if (await ReadHeldAsync(sale.Id, userId) is { } held)
            {
                return held;
            }

            switch (state.HasEnded(sale) ? LedgerState.Ended : await state.EnsureAsync(sale.Id, ct))
            {
                case LedgerState.Present:
                    return await ReadHeldAsync(sale.Id, userId)
                        ?? throw new StoreUnavailableException("The sale's state in Redis was dropped while it was read; try again.");
                case LedgerState.Ended:
                    return (await orders.ListByUserAndSaleAsync(userId, sale.Id, ct))
                        .Where(o => o.Status == OrderStatus.Confirmed).Sum(o => o.Quantity);
                default:
                    // Deleted since the caller found it: nothing is held.
                    return 0;
            }
        }
        catch (Exception ex) when (RedisFailure.Is(ex) || ex is TaskCanceledException && !ct.IsCancellationRequested)
        {
            throw new StoreUnavailableException("Redis is not answering: the units held cannot be read.", ex);
        }
    }

    /// <summary>The user's units in the buyers hash; null when the sale has no state in Redis.</summary>
    private async Task<int?> ReadHeldAsync(Guid saleId, string userId)
    {
        var read = redis.GetDatabase().CreateTransaction();
        var held = read.HashGetAsync(RedisKeys.Buyers(saleId), userId);
        var present = read.KeyExistsAsync(RedisKeys.Meta(saleId));
        if (!await read.ExecuteAsync())
        {
            throw new InvalidOperationException("A transaction without conditions was not executed.");
        }

        var units = await held;
        return await present ? (units.IsNull ? 0 : (int)units) : null;
    }
}
