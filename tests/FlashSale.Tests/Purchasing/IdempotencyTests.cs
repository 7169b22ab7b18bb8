using System.Net;
using FlashSale.Tests.Infrastructure;

namespace FlashSale.Tests.Purchasing;

/// <summary>G5: a retry with the same key returns the first outcome and never buys twice.</summary>
public sealed class IdempotencyTests : IAsyncLifetime
{
    private readonly TestApp _app = new();
    private Api _admin = null!;

    public async Task InitializeAsync() => _admin = await Api.AsAdminAsync(_app.CreateClient());

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task SameKeyTwice_OneOrderAndTheSameResponse()
    {
        var saleId = (await _admin.CreateSaleAsync(stock: 5, perUserLimit: 3))["id"]!.GetValue<string>();
        var buyer = _admin.WithToken((await _admin.MintBuyersAsync(1))[0].Token);

        using var first = await buyer.PurchaseAsync(saleId, 1, "retry-key-1");
        using var second = await buyer.PurchaseAsync(saleId, 1, "retry-key-1");

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, second.StatusCode);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await second.Content.ReadAsStringAsync());
        Assert.Equal(first.Headers.Location, second.Headers.Location);
        Assert.Single(await _admin.AllOrdersAsync(saleId));
        Assert.Equal(4, (await _admin.StockAsync(saleId))["remainingStock"]!.GetValue<int>());
    }

    [Fact]
    public async Task SameKeyInParallel_OneOrder()
    {
        var saleId = (await _admin.CreateSaleAsync(stock: 50, perUserLimit: 5))["id"]!.GetValue<string>();
        var buyer = _admin.WithToken((await _admin.MintBuyersAsync(1))[0].Token);

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => buyer.PurchaseAsync(saleId, 1, "parallel-key")));
        var bodies = await Task.WhenAll(responses.Select(r => r.Content.ReadAsStringAsync()));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
        Assert.Single(bodies.Distinct());
        Assert.Single(await _admin.AllOrdersAsync(saleId));
    }

    [Fact]
    public async Task SameKeyOtherBody_Is422AndChangesNothing()
    {
        var saleId = (await _admin.CreateSaleAsync(stock: 5, perUserLimit: 3))["id"]!.GetValue<string>();
        var buyer = _admin.WithToken((await _admin.MintBuyersAsync(1))[0].Token);

        using var first = await buyer.PurchaseAsync(saleId, 1, "key-a");
        using var other = await buyer.PurchaseAsync(saleId, 2, "key-a");

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, other.StatusCode);
        Assert.Equal("idempotency_key_mismatch", await Api.ReasonAsync(other));
        Assert.Single(await _admin.AllOrdersAsync(saleId));
    }

    [Fact]
    public async Task KeysAreScopedToTheBuyer()
    {
        var saleId = (await _admin.CreateSaleAsync(stock: 5))["id"]!.GetValue<string>();
        var buyers = await _admin.MintBuyersAsync(2);

        using var a = await _admin.WithToken(buyers[0].Token).PurchaseAsync(saleId, 1, "shared-key");
        using var b = await _admin.WithToken(buyers[1].Token).PurchaseAsync(saleId, 1, "shared-key");

        Assert.Equal(HttpStatusCode.Created, a.StatusCode);
        Assert.Equal(HttpStatusCode.Created, b.StatusCode);
        Assert.Equal(2, (await _admin.AllOrdersAsync(saleId)).Count);
    }

    [Fact]
    public async Task ReplayAfterRestart_ReturnsTheStoredOrder()
    {
        var settings = new Dictionary<string, string?>();
        string saleId, body, token;
        var dataPath = _app.DataPath + "-restart";
        settings["Storage:DataPath"] = dataPath;
        await using (var first = new TestApp(settings: settings))
        {
            var admin = await Api.AsAdminAsync(first.CreateClient());
            saleId = (await admin.CreateSaleAsync(stock: 3))["id"]!.GetValue<string>();
            token = (await admin.MintBuyersAsync(1))[0].Token;
            using var response = await admin.WithToken(token).PurchaseAsync(saleId, 1, "durable-key");
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            body = await response.Content.ReadAsStringAsync();
        }

        await using var second = new TestApp(settings: settings);
        var buyer = new Api(second.CreateClient(), token);
        using var replay = await buyer.PurchaseAsync(saleId, 1, "durable-key");
        Assert.Equal(HttpStatusCode.Created, replay.StatusCode);
        Assert.Equal(body, await replay.Content.ReadAsStringAsync());
        Assert.Equal(2, (await buyer.StockAsync(saleId))["remainingStock"]!.GetValue<int>());
    }
}
