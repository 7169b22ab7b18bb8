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

    private static async Task<string> IdOfAsync(HttpResponseMessage response) =>
        System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsStringAsync())!["orderId"]!.GetValue<string>();
}
