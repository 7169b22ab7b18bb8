using System.Net;
using FlashSale.Storage.Redis;
using FlashSale.Tests.Admin;
using FlashSale.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace FlashSale.Tests.Distributed;

public sealed class HeldQuantityOnRedisTests() : HeldQuantityTests(StorageKind.Redis);

public sealed class HeldQuantityOnRedisClusterTests() : HeldQuantityTests(StorageKind.RedisCluster);

/// <summary>
/// Distributed, <c>purchases/me</c>'s <c>quantity</c> is the sale's buyers hash in Redis, what purchase.lua judges the limit
/// by: an order decided and not yet in PostgreSQL (202 pending) counts, though the record's <c>orders</c> list lacks it.
/// Until 2026-12-06 it counted the record's confirmed orders, and a buyer shown room for more was refused
/// <c>limit_reached</c>. A sale whose state Redis lost is rebuilt from the record first; an ended one's holding is the
/// record's (its state is never rebuilt). The persister is stopped by the test: what is decided then stays in the
/// outbox, as while PostgreSQL is slow or down, but the record still answers reads.
/// </summary>
public abstract class HeldQuantityTests(StorageKind kind) : AdminAppTest(new TestApp(kind: kind, settings: new Dictionary<string, string?>
{
    ["RateLimiting:Enabled"] = "false",
    // Not recorded within CommitWait (2 s), the purchase is answered 202 pending; no replica asked to hold it first. (A
    // shorter wait made a loaded machine's ordinary purchases 202s, and the test's 201s fail.)
    ["Distributed:PendingReplicas"] = "0",
}))
{
    [Fact]
    public async Task AnOrderDecidedButNotYetRecorded_CountsInQuantity_AsTheNextPurchaseCountsIt()
    {
        var saleId = (await Admin.CreateSaleAsync(stock: 10, perUserLimit: 3)).Id();
        var buyer = Admin.WithToken((await Admin.MintBuyersAsync(1))[0].Token);
        await buyer.BoughtAsync(saleId);
        await App.Services.GetRequiredService<OutboxPersister>().StopAsync(CancellationToken.None);

        using (var pending = await buyer.PurchaseAsync(saleId))
        {
            await Api.EnsureAsync(pending, HttpStatusCode.Accepted);
            Assert.Equal("pending", (await pending.ReadJsonAsync())["status"]!.GetValue<string>());
        }

        var mine = await buyer.GetJsonAsync($"/api/v1/sales/{saleId}/purchases/me");
        Assert.Equal(2, mine.Int("quantity"));
        Assert.Single(mine["orders"]!.AsArray());   // the record's: the pending order is listed once it is recorded
        var refused = await Api.ExpectProblemAsync(buyer.PurchaseAsync(saleId, quantity: 2), HttpStatusCode.Conflict, "limit_reached");
        Assert.Equal(2, refused.Int("held"));

        // The shop's page of the sale draws the same holding (its buy form's "You hold 2 of 3").
        using var page = await buyer.GetAsync($"/sales/{saleId}");
        Assert.Contains("You hold 2 of 3.", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ASaleWhoseStateRedisLost_IsRebuiltToAnswer_AndAnEndedOnesHoldingIsTheRecords()
    {
        var open = (await Admin.CreateSaleAsync(stock: 10, perUserLimit: 3)).Id();
        var ended = (await Admin.CreateSaleAsync(stock: 10, perUserLimit: 3)).Id();
        var buyer = Admin.WithToken((await Admin.MintBuyersAsync(1))[0].Token);
        await buyer.BoughtAsync(open, quantity: 2);
        await buyer.BoughtAsync(ended, quantity: 2);
        using (var end = await Admin.PostEmptyAsync($"/api/v1/admin/sales/{ended}/end"))
        {
            await Api.EnsureAsync(end, HttpStatusCode.OK);
        }

        await RedisState.LoseAsync(App.Storage, Guid.Parse(open));
        await RedisState.LoseAsync(App.Storage, Guid.Parse(ended));

        Assert.Equal(2, (await buyer.GetJsonAsync($"/api/v1/sales/{open}/purchases/me")).Int("quantity"));
        Assert.Equal(2, (await buyer.GetJsonAsync($"/api/v1/sales/{ended}/purchases/me")).Int("quantity"));
        await using var redis = await RedisState.ConnectAsync(App.Storage);
        Assert.True(await redis.GetDatabase().KeyExistsAsync(RedisKeys.Meta(Guid.Parse(open))), "the open sale was rebuilt");
        Assert.False(await redis.GetDatabase().KeyExistsAsync(RedisKeys.Meta(Guid.Parse(ended))), "an ended sale is never rebuilt");
    }
}
