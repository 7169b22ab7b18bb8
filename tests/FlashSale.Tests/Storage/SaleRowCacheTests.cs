using FlashSale.Sales;
using FlashSale.Storage;

namespace FlashSale.Tests.Storage;

/// <summary>
/// A store's remembered sales (one by one and the list): served until any write, and a row or list read before a write
/// never outlives it, whichever way the read and the write interleave.
/// </summary>
public sealed class SaleRowCacheTests
{
    private static Sale NewSale(string sku = "sku") => new()
    {
        Id = Guid.NewGuid(),
        Sku = sku,
        ProductName = "Unit",
        Price = 19.99m,
        TotalStock = 10,
        StartsAt = DateTimeOffset.UnixEpoch,
        EndsAt = DateTimeOffset.UnixEpoch.AddDays(1),
        CreatedAt = DateTimeOffset.UnixEpoch,
    };

    [Fact]
    public void ARowReadWithoutAWriteSince_IsServed()
    {
        var cache = new SaleRowCache();
        var sale = NewSale();
        cache.Remember(sale, cache.Version);

        Assert.True(cache.TryGet(sale.Id, out var served));
        Assert.Same(sale, served);
        Assert.False(cache.TryGet(Guid.NewGuid(), out _));
    }

    [Fact]
    public void AWrite_EndsEveryRowReadBeforeIt()
    {
        var cache = new SaleRowCache();
        var sale = NewSale();
        cache.Remember(sale, cache.Version);

        cache.Invalidate();

        Assert.False(cache.TryGet(sale.Id, out _));
    }

    [Fact]
    public void ARowReadBeforeAWrite_AndRememberedAfterIt_IsNotServed()
    {
        var cache = new SaleRowCache();
        var readAt = cache.Version;      // the reader starts its query...
        cache.Invalidate();              // ...a write commits meanwhile...
        var sale = NewSale();
        cache.Remember(sale, readAt);    // ...and the reader's (possibly old) row arrives after it.

        Assert.False(cache.TryGet(sale.Id, out _));
        cache.Remember(sale, cache.Version);
        Assert.True(cache.TryGet(sale.Id, out _));
    }

    [Fact]
    public void TheList_IsServedUntilAWrite_AndCannotBeChangedByAReader()
    {
        var cache = new SaleRowCache();
        var shared = cache.RememberList([NewSale("a"), NewSale("b")], cache.Version);

        Assert.True(cache.TryGetList(out var served));
        Assert.Same(shared, served);
        Assert.False(served is ICollection<Sale> { IsReadOnly: false });

        cache.Invalidate();
        Assert.False(cache.TryGetList(out _));
    }

    [Fact]
    public void AListReadBeforeAWrite_AndRememberedAfterIt_IsNotServed()
    {
        var cache = new SaleRowCache();
        var readAt = cache.Version;
        cache.Invalidate();
        var returned = cache.RememberList([NewSale()], readAt);

        Assert.Single(returned);
        Assert.False(cache.TryGetList(out _));
    }
}
