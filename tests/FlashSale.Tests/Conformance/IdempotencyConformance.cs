using System.Net;
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
}
