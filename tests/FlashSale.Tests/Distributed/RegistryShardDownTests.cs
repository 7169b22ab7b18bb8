using System.Net;
using FlashSale.Storage.Redis;
using FlashSale.Tests.Admin;
using FlashSale.Tests.Infrastructure;

namespace FlashSale.Tests.Distributed;

/// <summary>
/// On a Redis Cluster the persister's registry of sales (<c>&lt;namespace&gt;:sales</c>) is one key, on one shard. That
/// shard down must not stop the recording of sales on the others: until 2026-12-06 the registry's read failed every
/// pass, the woken sales' pumps with it, and every purchase on a healthy shard answered 202 pending. A cluster of its own,
/// two masters; the namespace is chosen so that the registry is on the one killed, the sale on the other.
/// </summary>
public sealed class RegistryShardDownTests : IAsyncLifetime
{
    private readonly RedisClusterProcess _cluster = new(masters: 2);
    private TestStorage _storage = null!;
    private TestApp _app = null!;

    public async Task InitializeAsync()
    {
        await _cluster.StartAsync();
        _storage = TestStorage.Create(StorageKind.RedisCluster, redisOverride: _cluster.Configuration);
        var ns = _storage.Database;
        for (var i = 0; _cluster.OwnerOf(await _cluster.SlotOfAsync(RedisKeys.Registry(ns).ToString())) != 1; i++)
        {
            ns = $"{_storage.Database}_{i}";
        }

        _app = new TestApp(storage: _storage, settings: new Dictionary<string, string?>
        {
            ["Distributed:Namespace"] = ns,
            // The rules' keys are on both masters; this test is about the persister.
            ["RateLimiting:Enabled"] = "false",
            ["Distributed:CommitWait"] = "00:00:05",
        });
    }

    public Task DisposeAsync() => _cluster.DisposeWithAsync(_app, _storage);

    [Fact]
    public async Task TheRegistrysShardDown_TheOtherShardsSalesAreStillRecorded()
    {
        var admin = await Api.AsAdminAsync(_app.CreateClient());
        string sale;
        do
        {
            sale = (await admin.CreateSaleAsync(stock: 5)).Id();
        }
        while (_cluster.OwnerOf(await _cluster.SlotOfAsync(RedisKeys.Meta(Guid.Parse(sale)).ToString())) != 0);

        var buyers = await admin.MintBuyersAsync(2);
        using (var first = await admin.WithToken(buyers[0].Token).PurchaseAsync(sale))
        {
            Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        }

        await _cluster.KillAsync(1);
        using var response = await admin.WithToken(buyers[1].Token).PurchaseAsync(sale);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }
}
