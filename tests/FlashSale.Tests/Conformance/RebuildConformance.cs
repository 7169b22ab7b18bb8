using System.Net;
using FlashSale.Tests.Infrastructure;

namespace FlashSale.Tests.Conformance;

public sealed class RebuildOnEmbedded() : RebuildConformance(StorageKind.Embedded);

public sealed class RebuildOnRedis() : RebuildConformance(StorageKind.Redis);

public sealed class RebuildOnRedisCluster() : RebuildConformance(StorageKind.RedisCluster);

/// <summary>
/// After a restart — and for Redis, after its state was lost too — the ledger is rebuilt from
/// the record: stock, every buyer's hold, and stored orders' idempotency keys (G1, G2, G4, G5).
/// </summary>
public abstract class RebuildConformance(StorageKind kind) : IAsyncLifetime
{
    private readonly TestStorage _storage = TestStorage.Create(kind);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _storage.DisposeAsync();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Restart_LedgerRebuiltFromRecord(bool ledgerStateLost)
    {
        string saleId, replayBody;
        List<(string UserId, string Token)> buyers;
        await using (var first = new TestApp(storage: _storage))
        {
            var admin = await Api.AsAdminAsync(first.CreateClient());
            saleId = (await admin.CreateSaleAsync(stock: 5))["id"]!.GetValue<string>();
            buyers = await admin.MintBuyersAsync(4);
            using var keyed = await admin.WithToken(buyers[0].Token).PurchaseAsync(saleId, 1, "rebuild-key");
            await Api.EnsureAsync(keyed, HttpStatusCode.Created);
            replayBody = await keyed.Content.ReadAsStringAsync();
            using var second = await admin.WithToken(buyers[1].Token).PurchaseAsync(saleId);
            await Api.EnsureAsync(second, HttpStatusCode.Created);
        }

        if (ledgerStateLost && _storage.IsDistributed)
        {
            await RedisState.LoseAsync(_storage, Guid.Parse(saleId));
        }

        await using var restarted = new TestApp(storage: _storage);
        var again = await Api.AsAdminAsync(restarted.CreateClient());
        Assert.Equal(3, (await again.StockAsync(saleId))["remainingStock"]!.GetValue<int>());

        using var replay = await again.WithToken(buyers[0].Token).PurchaseAsync(saleId, 1, "rebuild-key");
        Assert.Equal(HttpStatusCode.Created, replay.StatusCode);
        Assert.Equal(replayBody, await replay.Content.ReadAsStringAsync());

        using var limited = await again.WithToken(buyers[1].Token).PurchaseAsync(saleId);
        Assert.Equal("limit_reached", await Api.ReasonAsync(limited));

        using var fresh = await again.WithToken(buyers[2].Token).PurchaseAsync(saleId);
        Assert.Equal(HttpStatusCode.Created, fresh.StatusCode);
        Assert.Equal(2, (await again.StockAsync(saleId))["remainingStock"]!.GetValue<int>());
        Assert.Equal(3, (await again.AllOrdersAsync(saleId)).Count);

        // Each buyer's own orders, from before and after the restart, and nobody else's.
        var replayedId = System.Text.Json.Nodes.JsonNode.Parse(replayBody)!["orderId"]!.GetValue<string>();
        var mine = (await again.WithToken(buyers[0].Token).GetJsonAsync("/api/v1/me/orders"))["items"]!.AsArray();
        Assert.Equal([replayedId], mine.Select(o => o!["orderId"]!.GetValue<string>()));
        var inSale = await again.WithToken(buyers[1].Token).GetJsonAsync($"/api/v1/sales/{saleId}/purchases/me");
        Assert.Single(inSale["orders"]!.AsArray());
        var freshBuyer = (await again.WithToken(buyers[2].Token).GetJsonAsync("/api/v1/me/orders"))["items"]!.AsArray();
        Assert.Equal([await IdOfAsync(fresh)], freshBuyer.Select(o => o!["orderId"]!.GetValue<string>()));
        Assert.Empty((await again.WithToken(buyers[3].Token).GetJsonAsync("/api/v1/me/orders"))["items"]!.AsArray());
    }

    /// <summary>
    /// A cancelled order is in the record but sold nothing: the rebuild counts only confirmed orders, so after a
    /// restart its unit is back in stock, its buyer may buy again, and reconcile finds the ledger as the record says.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Restart_CancelledOrder_IsNotSold(bool ledgerStateLost)
    {
        string saleId;
        (string UserId, string Token) buyer;
        await using (var first = new TestApp(storage: _storage))
        {
            var admin = await Api.AsAdminAsync(first.CreateClient());
            saleId = (await admin.CreateSaleAsync(stock: 5))["id"]!.GetValue<string>();
            buyer = (await admin.MintBuyersAsync(1))[0];
            using var bought = await admin.WithToken(buyer.Token).PurchaseAsync(saleId);
            await Api.EnsureAsync(bought, HttpStatusCode.Created);
            using var cancelled = await CancelAsync(admin, await IdOfAsync(bought));
            await Api.EnsureAsync(cancelled, HttpStatusCode.OK);
            Assert.Equal(5, (await admin.StockAsync(saleId))["remainingStock"]!.GetValue<int>());
        }

        await using var restarted = await RestartAsync(saleId, ledgerStateLost);
        var again = await Api.AsAdminAsync(restarted.CreateClient());
        Assert.Equal(5, (await again.StockAsync(saleId))["remainingStock"]!.GetValue<int>());
        Assert.Equal(0, await DriftedAsync(again));

        using var rebought = await again.WithToken(buyer.Token).PurchaseAsync(saleId);
        Assert.Equal(HttpStatusCode.Created, rebought.StatusCode);
        using var limited = await again.WithToken(buyer.Token).PurchaseAsync(saleId);
        Assert.Equal("limit_reached", await Api.ReasonAsync(limited));
        Assert.Equal(4, (await again.StockAsync(saleId))["remainingStock"]!.GetValue<int>());
        Assert.Equal(0, await DriftedAsync(again));
    }

    /// <summary>
    /// A buyer's hold is rebuilt as the sum of their confirmed orders: with three orders of one under a limit of 3 and
    /// one of them cancelled, they hold 2 after a restart and may buy exactly 1 more (not 0: the cancelled order
    /// counted; not 2: only their last confirmed order counted).
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Restart_HoldIsTheSumOfConfirmedOrders(bool ledgerStateLost)
    {
        string saleId;
        (string UserId, string Token) buyer;
        await using (var first = new TestApp(storage: _storage))
        {
            var admin = await Api.AsAdminAsync(first.CreateClient());
            saleId = (await admin.CreateSaleAsync(stock: 10, perUserLimit: 3))["id"]!.GetValue<string>();
            buyer = (await admin.MintBuyersAsync(1))[0];
            var orderIds = new List<string>();
            for (var i = 0; i < 3; i++)
            {
                using var bought = await admin.WithToken(buyer.Token).PurchaseAsync(saleId);
                await Api.EnsureAsync(bought, HttpStatusCode.Created);
                orderIds.Add(await IdOfAsync(bought));
            }

            // The middle one: the rebuild reads a confirmed order after it, whatever order it reads them in.
            using var cancelled = await CancelAsync(admin, orderIds[1]);
            await Api.EnsureAsync(cancelled, HttpStatusCode.OK);
        }

        await using var restarted = await RestartAsync(saleId, ledgerStateLost);
        var again = await Api.AsAdminAsync(restarted.CreateClient());
        Assert.Equal(8, (await again.StockAsync(saleId))["remainingStock"]!.GetValue<int>());

        using var two = await again.WithToken(buyer.Token).PurchaseAsync(saleId, quantity: 2);
        Assert.Equal("limit_reached", await Api.ReasonAsync(two));
        using var one = await again.WithToken(buyer.Token).PurchaseAsync(saleId);
        Assert.Equal(HttpStatusCode.Created, one.StatusCode);
        using var more = await again.WithToken(buyer.Token).PurchaseAsync(saleId);
        Assert.Equal("limit_reached", await Api.ReasonAsync(more));
        Assert.Equal(7, (await again.StockAsync(saleId))["remainingStock"]!.GetValue<int>());
        Assert.Equal(0, await DriftedAsync(again));
    }

    private async Task<TestApp> RestartAsync(string saleId, bool ledgerStateLost)
    {
        if (ledgerStateLost && _storage.IsDistributed)
        {
            await RedisState.LoseAsync(_storage, Guid.Parse(saleId));
        }

        return new TestApp(storage: _storage);
    }

    private static Task<HttpResponseMessage> CancelAsync(Api admin, string orderId) =>
        admin.SendAsync(HttpMethod.Post, $"/api/v1/admin/orders/{orderId}/cancel");

    private static async Task<int> DriftedAsync(Api admin)
    {
        using var response = await admin.SendAsync(HttpMethod.Post, "/api/v1/admin/reconcile");
        await Api.EnsureAsync(response, HttpStatusCode.OK);
        var report = System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        return report["drifted"]!.GetValue<int>();
    }

    private static async Task<string> IdOfAsync(HttpResponseMessage response) =>
        System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsStringAsync())!["orderId"]!.GetValue<string>();
}
