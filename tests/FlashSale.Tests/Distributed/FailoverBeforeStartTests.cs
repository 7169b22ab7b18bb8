using FlashSale.Storage.Redis;
using FlashSale.Tests.Admin;
using FlashSale.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace FlashSale.Tests.Distributed;

/// <summary>
/// G5 on an instance that starts after a failover: it saw none of the multiplexer's events (<see cref="FailoverWatch"/>),
/// so at start it asks each master whether it was promoted from a replica (<c>second_repl_offset</c>) and, if one was,
/// checks a keyed sold_out / limit_reached against the record as an instance that saw the failover does. A cluster of
/// its own (one master, one replica): an instance started before the failover does not suspect one; the master is
/// killed (-9) and its replica takes over; the promoted master's state of the sale is rewound by hand as a lagging
/// replica's would be (a recorded buyer's hold and key gone, the sale sold out: <c>FailoverSuspicionTests</c>); an
/// instance started then answers that buyer's retry with its order, where until 2026-12-06 it answered 409 sold_out.
/// </summary>
public sealed class FailoverBeforeStartTests : IAsyncLifetime
{
    private readonly RedisClusterProcess _cluster = new(masters: 1, replicasPerMaster: 1);
    private readonly Dictionary<string, string?> _settings = new() { ["RateLimiting:Enabled"] = "false" };
    private TestStorage _storage = null!;
    private TestApp _before = null!;
    private TestApp? _after;

    private int Replica => _cluster.ReplicaOf(0);

    public async Task InitializeAsync()
    {
        await _cluster.StartAsync();
        _storage = TestStorage.Create(StorageKind.RedisCluster, redisOverride: _cluster.Configuration);
        _before = new TestApp(storage: _storage, settings: _settings);
    }

    public async Task DisposeAsync()
    {
        if (_after is not null)
        {
            await _after.DisposeAsync();
        }

        await _cluster.DisposeWithAsync(_before, _storage);
    }

    [Fact]
    public async Task AnInstanceStartedAfterAFailover_ChecksAKeyedRejectionAgainstTheRecord()
    {
        var admin = await Api.AsAdminAsync(_before.CreateClient());
        Assert.False(_before.Services.GetRequiredService<FailoverWatch>().Suspected, "a master never promoted was suspected");
        var sale = (await admin.CreateSaleAsync(stock: 2, perUserLimit: 1)).Id();
        var saleId = Guid.Parse(sale);
        var buyers = await admin.MintBuyersAsync(2);
        var bought = await admin.WithToken(buyers[0].Token).BoughtAsync(sale, "a");
        await admin.WithToken(buyers[1].Token).BoughtAsync(sale, "b");
        await _cluster.WaitInSyncAsync(Replica);

        await _cluster.KillAsync(0);
        await _cluster.TakeOverAsync(Replica);
        Assert.NotEqual("-1", await _cluster.ReplicationAsync(Replica, "second_repl_offset"));

        // What a replica that lagged would hold: sold out, buyer 0's hold and key never received.
        await _cluster.CliAsync(Replica, "HDEL", RedisKeys.Buyers(saleId).ToString(), buyers[0].UserId);
        Assert.Equal("1", await _cluster.CliAsync(Replica, "DEL", RedisKeys.Idempotency(saleId, buyers[0].UserId, "a").ToString()));

        _after = new TestApp(storage: _storage, settings: _settings);
        var later = await Api.AsAdminAsync(_after.CreateClient());
        var watch = _after.Services.GetRequiredService<FailoverWatch>();
        Assert.True(watch.Suspected, "an instance started after the failover did not suspect one");

        // The stale "no" is looked up in the record, which holds the order: replayed, not 409 sold_out.
        Assert.Equal(bought, await later.WithToken(buyers[0].Token).BoughtAsync(sale, "a"));
        Assert.Equal(1, watch.Checks);
    }
}
