using FlashSale.Orders;
using FlashSale.Purchasing;
using FlashSale.Sales;

namespace FlashSale.Bench.Micro;

/// <summary>Sales, attempts and orders shaped like the macro benchmark's.</summary>
internal static class BenchData
{
    public const int Buyers = 500;

    public static Sale OpenSale(int totalStock, int perUserLimit) => new()
    {
        Id = Guid.NewGuid(),
        Sku = $"bench-{Guid.NewGuid():N}",
        ProductName = "Benchmark unit",
        Price = 19.99m,
        TotalStock = totalStock,
        PerUserLimit = perUserLimit,
        StartsAt = DateTimeOffset.UtcNow.AddDays(-1),
        EndsAt = DateTimeOffset.UtcNow.AddDays(1),
        CreatedAt = DateTimeOffset.UtcNow.AddDays(-1),
    };

    /// <summary>The macro benchmark's 500 buyers: an attempt each, and an order for the next one in turn.</summary>
    private static readonly string[] BuyerIds = [.. Enumerable.Range(0, Buyers).Select(_ => Guid.NewGuid().ToString("D"))];
    private static int _nextBuyer;

    public static PurchaseAttempt[] Attempts(Guid saleId) =>
        [.. BuyerIds.Select((id, i) => new PurchaseAttempt(saleId, id, $"buyer-{i}", 1, null))];

    /// <summary>
    /// An order as the server makes one: a time-ordered id from <see cref="OrderIds"/> (random ids would put every
    /// insert of the record's id index on a different page, as the server's never do) for one of 500 buyers.
    /// </summary>
    public static Order NewOrder(Sale sale)
    {
        var at = DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        return new Order
        {
            Id = OrderIds.New(at),
            SaleId = sale.Id,
            UserId = BuyerIds[(uint)Interlocked.Increment(ref _nextBuyer) % Buyers],
            Username = "synthetic-1a2b3c4d",
            Quantity = 1,
            UnitPrice = sale.Price,
            Currency = sale.Currency,
            PurchasedAt = at,
            RemainingAfter = 9_999_999,
        };
    }
}
