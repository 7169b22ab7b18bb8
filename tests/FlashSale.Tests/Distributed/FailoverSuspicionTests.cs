using System.Net;
using FlashSale.Storage.Redis;
using FlashSale.Tests.Admin;
using FlashSale.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace FlashSale.Tests.Distributed;

/// <summary>
/// G5 while Redis may have failed over (<see cref="FailoverWatch"/>, <c>Distributed:FailoverSuspicion</c>): a keyed
/// sold_out or limit_reached from a state that may be stale is looked up in the record first. One Redis whose sale
/// state is rewound as a lagging replica holds it (the key of a recorded order gone, as in <c>StaleReplicaFenceTests</c>),
/// and the failover event simulated (<see cref="FailoverWatch.Suspect"/>; a real one: <c>LaggingReplicaFailoverTests</c>).
/// The record's lookups are counted (<see cref="FailoverWatch.Checks"/>, the metric's count): none without an event.
/// </summary>
public sealed class FailoverSuspicionTests() : AdminAppTest(new TestApp(kind: StorageKind.Redis))
{
    [Fact]
    public async Task AKeyedRejection_IsCheckedAgainstTheRecord_OnlyAfterAFailoverEvent()
    {
        var watch = App.Services.GetRequiredService<FailoverWatch>();
        var sale = (await Admin.CreateSaleAsync(stock: 2, perUserLimit: 1)).Id();
        var saleId = Guid.Parse(sale);
        var buyers = await Admin.MintBuyersAsync(4);
        await using var redis = await RedisState.ConnectAsync(App.Storage);
        var db = redis.GetDatabase();
        var a = await Buyer(buyers[0]).BoughtAsync(sale, "a");
        var b = await Buyer(buyers[1]).BoughtAsync(sale, "b");

        // Stale: the state sold out, but it lost buyer 0's key and hold (a lagging replica's, by hand).
        await ForgetAsync(db, saleId, buyers[0].UserId, "a");

        // No event: the stale state's "no" stands and is remembered under the key, and the record is not asked.
        Assert.False(watch.Suspected);
        await Api.ExpectProblemAsync(Buyer(buyers[0]).PurchaseAsync(sale, key: "a"), HttpStatusCode.Conflict, "sold_out");
        Assert.StartsWith("R|", (await db.StringGetAsync(RedisKeys.Idempotency(saleId, buyers[0].UserId, "a"))).ToString(), StringComparison.Ordinal);
        Assert.Equal(0, watch.Checks);

        // A failover may have happened: the remembered "no" is looked up, the recorded order answered, the key given back
        // its order and the stale state dropped (rebuilt from the record by the next purchase).
        watch.Suspect("test: a simulated failover");
        Assert.True(watch.Suspected);
        Assert.Equal(a, await Buyer(buyers[0]).BoughtAsync(sale, "a"));
        Assert.Equal(1, watch.Checks);
        Assert.False(await db.KeyExistsAsync(RedisKeys.Meta(saleId)), "the stale state was kept");
        Assert.StartsWith($"O|1|{a}|", (await db.StringGetAsync(RedisKeys.Idempotency(saleId, buyers[0].UserId, "a"))).ToString(), StringComparison.Ordinal);

        // Rebuilt from the record: the key replays from Redis, no lookup.
        Assert.Equal(a, await Buyer(buyers[0]).BoughtAsync(sale, "a"));
        Assert.Equal(1, watch.Checks);
        Assert.True(await db.KeyExistsAsync(RedisKeys.Meta(saleId)));

        // A fresh "no" to a recorded key: the same.
        await ForgetAsync(db, saleId, buyers[1].UserId, "b");
        Assert.Equal(b, await Buyer(buyers[1]).BoughtAsync(sale, "b"));
        Assert.Equal(2, watch.Checks);
        Assert.False(await db.KeyExistsAsync(RedisKeys.Meta(saleId)), "the stale state was kept");

        // A key the record does not hold: the "no" stands (rebuilt: 0 left), remembered; limit_reached likewise.
        await Api.ExpectProblemAsync(Buyer(buyers[2]).PurchaseAsync(sale, key: "c"), HttpStatusCode.Conflict, "sold_out");
        Assert.Equal(3, watch.Checks);
        await Api.ExpectProblemAsync(Buyer(buyers[1]).PurchaseAsync(sale, key: "b2"), HttpStatusCode.Conflict, "limit_reached");
        Assert.Equal(4, watch.Checks);
        Assert.True(await db.KeyExistsAsync(RedisKeys.Meta(saleId)));

        // Without a key nothing is looked up, suspected or not.
        await Api.ExpectProblemAsync(Buyer(buyers[3]).PurchaseAsync(sale), HttpStatusCode.Conflict, "sold_out");
        Assert.Equal(4, watch.Checks);
        Assert.Equal(2, await App.Storage.ScalarAsync($"SELECT COALESCE(SUM(quantity), 0) FROM orders WHERE sale_id = '{sale}' AND status = 0"));
    }

    /// <summary>
    /// Limit 2: the stale state holds the buyer at the limit (units it decided and the record has yet to refuse) and has
    /// lost the key of the buyer's recorded second unit: its retry is answered <c>limit_reached</c> by the state, and
    /// with a failover suspected the recorded order instead.
    /// </summary>
    [Fact]
    public async Task ALimitReachedToARecordedKey_ReplaysItsOrder()
    {
        var watch = App.Services.GetRequiredService<FailoverWatch>();
        var sale = (await Admin.CreateSaleAsync(stock: 10, perUserLimit: 2)).Id();
        var saleId = Guid.Parse(sale);
        var buyer = (await Admin.MintBuyersAsync(1))[0];
        await using var redis = await RedisState.ConnectAsync(App.Storage);
        var db = redis.GetDatabase();
        await Buyer(buyer).BoughtAsync(sale, "d1");
        var second = await Buyer(buyer).BoughtAsync(sale, "d2");
        Assert.True(await db.KeyDeleteAsync(RedisKeys.Idempotency(saleId, buyer.UserId, "d2")));

        watch.Suspect("test: a simulated failover");
        // Another quantity under the recorded key: 422, as a replay answers; the state is stale all the same, and goes.
        await Api.ExpectProblemAsync(Buyer(buyer).PurchaseAsync(sale, quantity: 2, key: "d2"), HttpStatusCode.UnprocessableEntity, "idempotency_key_mismatch");
        Assert.Equal(1, watch.Checks);
        Assert.False(await db.KeyExistsAsync(RedisKeys.Meta(saleId)), "the stale state was kept");
        Assert.Equal(second, await Buyer(buyer).BoughtAsync(sale, "d2"));
        Assert.Equal(1, watch.Checks);

        // Its fresh "no" too: stale again, the same key's retry is answered limit_reached by the state, the order here.
        Assert.True(await db.KeyDeleteAsync(RedisKeys.Idempotency(saleId, buyer.UserId, "d2")));
        Assert.Equal(second, await Buyer(buyer).BoughtAsync(sale, "d2"));
        Assert.Equal(2, watch.Checks);
        Assert.False(await db.KeyExistsAsync(RedisKeys.Meta(saleId)), "the stale state was kept");
        await Api.ExpectProblemAsync(Buyer(buyer).PurchaseAsync(sale, key: "d3"), HttpStatusCode.Conflict, "limit_reached");
        Assert.Equal(8, (await Admin.StockAsync(sale)).Int("remainingStock"));
    }

    /// <summary>The window as the start validates it (ValidateDataAnnotations on DistributedOptions): zero turns the check off.</summary>
    [Theory]
    [InlineData("00:02:00", true)]
    [InlineData("00:00:00", true)]
    [InlineData("01:00:00", true)]
    [InlineData("-00:00:01", false)]
    [InlineData("01:00:01", false)]
    public void TheWindow_IsValidated(string window, bool valid)
    {
        var options = new DistributedOptions { FailoverSuspicion = TimeSpan.Parse(window, System.Globalization.CultureInfo.InvariantCulture) };
        Assert.Equal(valid, new DataAnnotationValidateOptions<DistributedOptions>(null).Validate(null, options).Succeeded);
    }

    private Api Buyer((string UserId, string Token) buyer) => Admin.WithToken(buyer.Token);

    /// <summary>The buyer's hold and key gone from the state, its stock left as it is (sold out): what a lagging replica lacks.</summary>
    private static async Task ForgetAsync(IDatabase db, Guid saleId, string userId, string key)
    {
        Assert.True(await db.KeyExistsAsync(RedisKeys.Meta(saleId)));
        await db.HashDeleteAsync(RedisKeys.Buyers(saleId), userId);
        Assert.True(await db.KeyDeleteAsync(RedisKeys.Idempotency(saleId, userId, key)));
    }
}
