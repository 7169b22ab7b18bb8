using FlashSale.Purchasing;

namespace FlashSale.Sales;

/// <summary>The demo catalogue seeded into an empty store, so a first run has something to buy.</summary>
public static class DemoSales
{
    public static async Task SeedIfEmptyAsync(ISaleStore sales, IPurchaseLedger ledger, TimeProvider clock, CancellationToken ct)
    {
        if ((await sales.ListAsync(ct)).Count > 0)
        {
            return;
        }

        // At the record's precision, as the ledger is given the same sales: a finer end sold on in its last millisecond.
        var now = SaleTime.Truncate(clock.GetUtcNow());
        var start = now.AddMinutes(-1);
        var end = now.AddDays(7);
        Sale[] demo =
        [
            Make("IPHONE-15-PRO", "iPhone 15 Pro", "Titanium. 256 GB. The flash sale classic.", 999m, 10, start, end, now),
            Make("MACBOOK-PRO-M3", "MacBook Pro M3", "14-inch, M3 chip, 16 GB memory.", 1599m, 5, start, end, now),
            Make("AIRPODS-PRO", "AirPods Pro", "Active noise cancellation, USB-C case.", 199m, 50, start, end, now),
            Make("IPAD-AIR", "iPad Air", "11-inch, M2. Opens in ten minutes.", 549m, 20, now.AddMinutes(10), end, now),
        ];
        foreach (var sale in demo)
        {
            if (await sales.TryCreateAsync(sale, ct))
            {
                await ledger.SaleChangedAsync(sale, ct);
            }
        }
    }

    private static Sale Make(string sku, string name, string description, decimal price, int stock,
        DateTimeOffset starts, DateTimeOffset ends, DateTimeOffset now) => new()
    {
        Id = Guid.NewGuid(),
        Sku = sku,
        ProductName = name,
        Description = description,
        Price = price,
        Currency = "USD",
        ImageUrl = $"/images/{sku.ToLowerInvariant()}.svg",
        TotalStock = stock,
        PerUserLimit = 1,
        StartsAt = starts,
        EndsAt = ends,
        CreatedAt = now,
    };
}
