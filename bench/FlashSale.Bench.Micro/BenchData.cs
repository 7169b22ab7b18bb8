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

    public static PurchaseAttempt[] Attempts(Guid saleId) =>
        [.. Enumerable.Range(0, Buyers).Select(i => new PurchaseAttempt(saleId, Guid.NewGuid().ToString("D"), $"buyer-{i}", 1, null))];

    public static Order NewOrder(Sale sale) => new()
    {
        Id = Guid.NewGuid(),
        SaleId = sale.Id,
        UserId = Guid.NewGuid().ToString("D"),
        Username = "synthetic-1a2b3c4d",
        Quantity = 1,
        UnitPrice = sale.Price,
        Currency = sale.Currency,
        PurchasedAt = DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()),
        RemainingAfter = 9_999_999,
    };
}
