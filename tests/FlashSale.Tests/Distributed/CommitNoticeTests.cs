using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FlashSale.Storage.Redis;
using FlashSale.Tests.Infrastructure;
using StackExchange.Redis;

namespace FlashSale.Tests.Distributed;

/// <summary>
/// The persister's commit notices (pub/sub to every instance) carry only the orders no purchase in its own
/// process waited for: the instance that decided an order nearly always persists it, and then nobody else waits.
/// </summary>
public sealed class CommitNoticeTests
{
    [Fact]
    public async Task AnOrderAwaitedHere_IsNotAnnounced_AnOrderDecidedElsewhere_Is()
    {
        await using var app = new TestApp(kind: StorageKind.Redis);
        var admin = await Api.AsAdminAsync(app.CreateClient());
        var saleId = Guid.Parse((await admin.CreateSaleAsync(stock: 10, perUserLimit: 5))["id"]!.GetValue<string>());
        var buyer = (await admin.MintBuyersAsync(1))[0];
        await using var redis = await ConnectionMultiplexer.ConnectAsync(app.Storage.RedisConfiguration);
        var notices = new ConcurrentQueue<string>();
        await redis.GetSubscriber().SubscribeAsync(RedisKeys.Committed(app.Storage.Database), (_, message) => notices.Enqueue(message.ToString()));

        // Decided and awaited on this instance: its persister hands the commit to the waiting purchase directly.
        using var response = await admin.WithToken(buyer.Token).PurchaseAsync(saleId.ToString(), 1);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var local = Guid.Parse((await response.Content.ReadFromJsonAsync<JsonObject>())!["orderId"]!.GetValue<string>());

        // An entry as another instance's purchase script appends it: nobody here waits, so it is announced.
        var foreign = Guid.CreateVersion7();
        await redis.GetDatabase().StreamAddAsync(RedisKeys.Outbox(saleId),
        [
            new("o", foreign.ToString("D")), new("u", buyer.UserId), new("n", "elsewhere"), new("q", "1"), new("p", "19.99"),
            new("c", "EUR"), new("t", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()), new("r", "8"), new("k", ""), new("l", "0"),
        ]);

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!notices.Any(n => n.Contains(foreign.ToString("N"), StringComparison.Ordinal)))
        {
            Assert.True(DateTime.UtcNow < deadline, "the foreign order's commit was never announced");
            await Task.Delay(20);
        }

        // Published in commit order on one connection: had the local order been announced, it would be here by now.
        Assert.DoesNotContain(notices, n => n.Contains(local.ToString("N"), StringComparison.Ordinal));
    }
}
