using System.Net;
using FlashSale.Storage.Postgres;
using FlashSale.Storage.Redis;
using FlashSale.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace FlashSale.Tests.Distributed;

/// <summary>
/// Redis lost a sale's state and another instance holds the lock to rebuild it (or died holding it, until the lock
/// expires): a purchase of that sale waits <c>Distributed:RebuildWait</c>, then answers 503 with Retry-After. The
/// record is not counted as down for it: the wait's timeout used to mark PostgreSQL down, so every purchase of every
/// sale on the instance was refused until the next ping, again after each purchase that waited.
/// </summary>
public sealed class RebuildPendingTests() : AdminAppTest(new TestApp(kind: StorageKind.Redis, settings: new Dictionary<string, string?>
{
    ["Distributed:RebuildWait"] = "00:00:01",
}))
{
    [Fact]
    public async Task ASaleRebuiltElsewhereForTooLong_Is503_AndOtherSalesSellOn()
    {
        var (stuck, other, buyer) = await TwoSales.OpenAsync(Admin);
        await using var redis = await RedisState.ConnectAsync(App.Storage);
        var db = redis.GetDatabase();
        var saleId = Guid.Parse(stuck);
        // Lost (as after a restart without persistence), and an instance that is gone holds the rebuild lock.
        await db.KeyDeleteAsync([RedisKeys.Meta(saleId), RedisKeys.Stock(saleId), RedisKeys.Buyers(saleId)]);
        await db.StringSetAsync(RedisKeys.RebuildLock(saleId), "an-instance-that-died", TimeSpan.FromMinutes(1));

        using (var waited = await buyer.PurchaseAsync(stuck))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, waited.StatusCode);
            Assert.NotNull(waited.Headers.RetryAfter);
            Assert.Contains("nothing was bought", await Api.DetailAsync(waited), StringComparison.Ordinal);
        }

        // A keyed attempt: the lost state took the key's decision with it, so its earlier outcome is not known until the
        // rebuild (before 2026-12-06 it read "nothing was bought", as if of the key).
        var keyed = await Api.ExpectProblemAsync(buyer.PurchaseAsync(stuck, 1, "bought-before-the-loss"), HttpStatusCode.ServiceUnavailable, "unavailable");
        Assert.True(keyed["outcomeUnknown"]?.GetValue<bool>(), $"the problem was {keyed}");
        Assert.Contains("retry with the same key", keyed["detail"]!.GetValue<string>(), StringComparison.Ordinal);

        Assert.False(App.Services.GetRequiredService<RecordHealth>().IsDown);
        using (var elsewhere = await buyer.PurchaseAsync(other))
        {
            Assert.Equal(HttpStatusCode.Created, elsewhere.StatusCode);
        }

        // The lock gone, the next purchase rebuilds the sale from the record and sells.
        await db.KeyDeleteAsync(RedisKeys.RebuildLock(saleId));
        using (var rebuilt = await buyer.PurchaseAsync(stuck))
        {
            Assert.Equal(HttpStatusCode.Created, rebuilt.StatusCode);
        }

        Assert.Equal(2, await App.Storage.ScalarAsync($"SELECT count(*) FROM orders WHERE sale_id = '{stuck}'"));
    }
}
