using System.Net;
using System.Text.Json.Nodes;
using FlashSale.Tests.Admin;
using FlashSale.Tests.Infrastructure;

namespace FlashSale.Tests.Conformance;

public sealed class IdempotencyOnEmbedded() : IdempotencyConformance(StorageKind.Embedded);

public sealed class IdempotencyOnRedis() : IdempotencyConformance(StorageKind.Redis);

public sealed class IdempotencyOnRedisCluster() : IdempotencyConformance(StorageKind.RedisCluster);

/// <summary>G5: a retry with the same key returns the first outcome and never buys twice.</summary>
public abstract class IdempotencyConformance(StorageKind kind) : ConformanceTest(kind)
{
    [Fact]
    public async Task SameKeyTwice_OneOrderAndTheSameResponse()
    {
        var saleId = (await Admin.CreateSaleAsync(stock: 5, perUserLimit: 3))["id"]!.GetValue<string>();
        var buyer = Admin.WithToken((await Admin.MintBuyersAsync(1))[0].Token);

        using var first = await buyer.PurchaseAsync(saleId, 1, "retry-key-1");
        using var second = await buyer.PurchaseAsync(saleId, 1, "retry-key-1");

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, second.StatusCode);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await second.Content.ReadAsStringAsync());
        Assert.Equal(first.Headers.Location, second.Headers.Location);
        Assert.Single(await Admin.AllOrdersAsync(saleId));
        Assert.Equal(4, (await Admin.StockAsync(saleId))["remainingStock"]!.GetValue<int>());
    }

    [Fact]
    public async Task SameKeyInParallel_OneOrder()
    {
        var saleId = (await Admin.CreateSaleAsync(stock: 50, perUserLimit: 5))["id"]!.GetValue<string>();
        var buyer = Admin.WithToken((await Admin.MintBuyersAsync(1))[0].Token);

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => buyer.PurchaseAsync(saleId, 1, "parallel-key")));
        var bodies = await Task.WhenAll(responses.Select(r => r.Content.ReadAsStringAsync()));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
        Assert.Single(bodies.Distinct());
        Assert.Single(await Admin.AllOrdersAsync(saleId));
    }

    [Fact]
    public async Task SameKeyOtherBody_Is422AndChangesNothing()
    {
        var saleId = (await Admin.CreateSaleAsync(stock: 5, perUserLimit: 3))["id"]!.GetValue<string>();
        var buyer = Admin.WithToken((await Admin.MintBuyersAsync(1))[0].Token);

        using var first = await buyer.PurchaseAsync(saleId, 1, "key-a");
        using var other = await buyer.PurchaseAsync(saleId, 2, "key-a");

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, other.StatusCode);
        Assert.Equal("idempotency_key_mismatch", await Api.ReasonAsync(other));
        Assert.Single(await Admin.AllOrdersAsync(saleId));
    }

    [Fact]
    public async Task KeysAreScopedToTheBuyer()
    {
        var saleId = (await Admin.CreateSaleAsync(stock: 5))["id"]!.GetValue<string>();
        var buyers = await Admin.MintBuyersAsync(2);

        using var a = await Admin.WithToken(buyers[0].Token).PurchaseAsync(saleId, 1, "shared-key");
        using var b = await Admin.WithToken(buyers[1].Token).PurchaseAsync(saleId, 1, "shared-key");

        Assert.Equal(HttpStatusCode.Created, a.StatusCode);
        Assert.Equal(HttpStatusCode.Created, b.StatusCode);
        Assert.Equal(2, (await Admin.AllOrdersAsync(saleId)).Count);
    }

    /// <summary>A key is the buyer's in one sale (docs/api.md): the same key on another sale is another purchase.</summary>
    [Fact]
    public async Task KeysAreScopedToTheSale()
    {
        var first = (await Admin.CreateSaleAsync(stock: 5))["id"]!.GetValue<string>();
        var second = (await Admin.CreateSaleAsync(stock: 5))["id"]!.GetValue<string>();
        var buyer = Admin.WithToken((await Admin.MintBuyersAsync(1))[0].Token);

        var one = await buyer.BoughtAsync(first, key: "shared-key");
        var other = await buyer.BoughtAsync(second, key: "shared-key");

        Assert.NotEqual(one, other);
        Assert.Single(await Admin.AllOrdersAsync(first));
        Assert.Single(await Admin.AllOrdersAsync(second));
    }

    [Fact]
    public async Task ReplayAfterRestart_ReturnsTheStoredOrder()
    {
        string saleId, body, token;
        await using var storage = TestStorage.Create(Kind);
        await using (var first = new TestApp(storage: storage))
        {
            var admin = await Api.AsAdminAsync(first.CreateClient());
            saleId = (await admin.CreateSaleAsync(stock: 3))["id"]!.GetValue<string>();
            token = (await admin.MintBuyersAsync(1))[0].Token;
            using var response = await admin.WithToken(token).PurchaseAsync(saleId, 1, "durable-key");
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            body = await response.Content.ReadAsStringAsync();
        }

        await using var second = new TestApp(storage: storage);
        var buyer = new Api(second.CreateClient(), token);
        using var replay = await buyer.PurchaseAsync(saleId, 1, "durable-key");
        Assert.Equal(HttpStatusCode.Created, replay.StatusCode);
        Assert.Equal(body, await replay.Content.ReadAsStringAsync());
        Assert.Equal(2, (await buyer.StockAsync(saleId))["remainingStock"]!.GetValue<int>());
    }

    /// <summary>
    /// A key's sold_out is remembered (G5): once the stock is back (an admin cancel), the same key still answers sold_out,
    /// with the same numbers, and buys nothing; the same key with another quantity is 422; a fresh attempt buys.
    /// (Remembered for Distributed:DecisionTtl, 24 h by default; the embedded ledger while it runs: far beyond this test.)
    /// </summary>
    [Fact]
    public async Task RefusedKey_SoldOut_IsReplayedEvenAfterTheStockComesBack()
    {
        var saleId = (await Admin.CreateSaleAsync(stock: 2, perUserLimit: 2)).Id();
        var buyers = await Admin.MintBuyersAsync(2);
        var a = Admin.WithToken(buyers[0].Token);
        var b = Admin.WithToken(buyers[1].Token);
        var orderOfA = await OrderIdAsync(a.PurchaseAsync(saleId, 2));

        var refused = await ProblemAsync(b.PurchaseAsync(saleId, 1, "late-key"), HttpStatusCode.Conflict, "sold_out");
        Assert.Equal(0, refused.Int("remaining"));

        await CancelAsync(orderOfA);
        Assert.Equal(2, await RemainingAsync(saleId));

        var replayed = await ProblemAsync(b.PurchaseAsync(saleId, 1, "late-key"), HttpStatusCode.Conflict, "sold_out");
        Assert.Equal(0, replayed.Int("remaining"));
        await ProblemAsync(b.PurchaseAsync(saleId, 2, "late-key"), HttpStatusCode.UnprocessableEntity, "idempotency_key_mismatch");

        // Nothing was bought by the key: the stock is back, B holds nothing, A's order is the sale's only one (cancelled).
        Assert.Equal(2, await RemainingAsync(saleId));
        Assert.Empty((await b.GetJsonAsync("/api/v1/me/orders"))["items"]!.AsArray());
        var orders = await Admin.AllOrdersAsync(saleId);
        Assert.Equal(orderOfA, Assert.Single(orders)["orderId"]!.GetValue<string>());
        Assert.Equal("cancelled", orders[0]["status"]!.GetValue<string>());

        // The stock really is there: an attempt without the key (or with a fresh one) buys it.
        await OrderIdAsync(b.PurchaseAsync(saleId, 1, "fresh-key"));
        Assert.Equal(1, await RemainingAsync(saleId));
    }

    /// <summary>The same for limit_reached: the buyer's limit frees up (an admin cancel), the key still answers limit_reached.</summary>
    [Fact]
    public async Task RefusedKey_LimitReached_IsReplayedEvenAfterTheLimitFreesUp()
    {
        var saleId = (await Admin.CreateSaleAsync(stock: 10, perUserLimit: 2)).Id();
        var buyer = Admin.WithToken((await Admin.MintBuyersAsync(1))[0].Token);
        var first = await OrderIdAsync(buyer.PurchaseAsync(saleId, 1));
        await OrderIdAsync(buyer.PurchaseAsync(saleId, 1));

        var refused = await ProblemAsync(buyer.PurchaseAsync(saleId, 1, "third-key"), HttpStatusCode.Conflict, "limit_reached");
        Assert.Equal((2, 2), (refused.Int("held"), refused.Int("limit")));

        await CancelAsync(first);
        Assert.Equal(9, await RemainingAsync(saleId));

        var replayed = await ProblemAsync(buyer.PurchaseAsync(saleId, 1, "third-key"), HttpStatusCode.Conflict, "limit_reached");
        Assert.Equal((2, 2), (replayed.Int("held"), replayed.Int("limit")));
        await ProblemAsync(buyer.PurchaseAsync(saleId, 2, "third-key"), HttpStatusCode.UnprocessableEntity, "idempotency_key_mismatch");

        Assert.Equal(9, await RemainingAsync(saleId));
        var orders = await Admin.AllOrdersAsync(saleId);
        Assert.Equal(2, orders.Count);
        Assert.Single(orders, o => o["status"]!.GetValue<string>() == "confirmed");
        Assert.Equal(2, (await buyer.GetJsonAsync("/api/v1/me/orders"))["items"]!.AsArray().Count);

        // The limit really is free again: a fresh key buys.
        await OrderIdAsync(buyer.PurchaseAsync(saleId, 1, "fourth-key"));
        Assert.Equal(8, await RemainingAsync(saleId));
    }

    /// <summary>
    /// The sold-out short-circuit answers the late crowd in process, but never a key that already bought: the buyer of
    /// the last unit retrying right after others were refused (so the sale is known to be sold out) gets the order again.
    /// </summary>
    [Fact]
    public async Task KeyThatBoughtTheLastUnit_IsReplayedWhileTheSaleIsKnownSoldOut()
    {
        var saleId = (await Admin.CreateSaleAsync(stock: 1))["id"]!.GetValue<string>();
        var buyers = await Admin.MintBuyersAsync(2);
        var a = Admin.WithToken(buyers[0].Token);
        var late = Admin.WithToken(buyers[1].Token);
        using var bought = await a.PurchaseAsync(saleId, 1, "last-unit");
        await Api.EnsureAsync(bought, HttpStatusCode.Created);
        var body = await bought.Content.ReadAsStringAsync();

        for (var i = 0; i < 3; i++)
        {
            // A keyed refusal is decided by the ledger itself, which then marks the sale sold out (distributed: for half
            // a second, in this process); one without a key is answered by that mark. The retry follows at once.
            await ProblemAsync(late.PurchaseAsync(saleId, 1, $"late-{i}"), HttpStatusCode.Conflict, "sold_out");
            await ProblemAsync(late.PurchaseAsync(saleId), HttpStatusCode.Conflict, "sold_out");
            using var replay = await a.PurchaseAsync(saleId, 1, "last-unit");
            await Api.EnsureAsync(replay, HttpStatusCode.Created);
            Assert.Equal(body, await replay.Content.ReadAsStringAsync());
            Assert.Equal(bought.Headers.Location, replay.Headers.Location);
        }

        Assert.Single(await Admin.AllOrdersAsync(saleId));
        Assert.Equal(0, await RemainingAsync(saleId));
    }

    private async Task CancelAsync(string orderId)
    {
        using var cancelled = await Admin.PostEmptyAsync($"/api/v1/admin/orders/{orderId}/cancel");
        await Api.EnsureAsync(cancelled, HttpStatusCode.OK);
    }

    private async Task<int> RemainingAsync(string saleId) => (await Admin.StockAsync(saleId)).Int("remainingStock");

    private static async Task<string> OrderIdAsync(Task<HttpResponseMessage> purchase)
    {
        using var response = await purchase;
        await Api.EnsureAsync(response, HttpStatusCode.Created);
        return (await response.ReadJsonAsync())["orderId"]!.GetValue<string>();
    }

    private static Task<JsonObject> ProblemAsync(Task<HttpResponseMessage> purchase, HttpStatusCode status, string reason) =>
        Api.ExpectProblemAsync(purchase, status, reason);
}
