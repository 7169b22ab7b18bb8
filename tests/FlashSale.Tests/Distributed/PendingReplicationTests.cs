using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using FlashSale.Tests.Admin;
using FlashSale.Tests.Infrastructure;
using Npgsql;
using Xunit.Abstractions;

namespace FlashSale.Tests.Distributed;

/// <summary>
/// G3 for a 202 pending: its order is only in Redis until the persister records it, so it is answered 202 only once a
/// replica of the sale's master holds it (<c>PendingReplication</c>); a failover would otherwise promote a replica
/// without it and lose a 2xx. A cluster of its own (one master, one replica) and PostgreSQL behind a proxy that is
/// stalled so the persister cannot record: with the replica in sync the answer is 202; with the replica stopped (it
/// acknowledges nothing), or stopped and cut off from its master, it is 503 with the outcome unknown, and once
/// PostgreSQL is back the order is recorded and the key's retry answers it. Before 2026-12-06 the second was a 202 that the failover in <c>LaggingReplicaFailoverTests</c>
/// would have lost.
/// </summary>
public sealed class PendingReplicationTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly RedisClusterProcess _cluster = new(masters: 1, replicasPerMaster: 1);
    private TestStorage _storage = null!;
    private TcpProxy _proxy = null!; // null if the cluster failed to start
    private TestApp _app = null!;
    private Api _admin = null!;

    private int Replica => _cluster.ReplicaOf(0);

    public async Task InitializeAsync()
    {
        await _cluster.StartAsync();
        _storage = TestStorage.Create(StorageKind.RedisCluster, redisOverride: _cluster.Configuration);
        var record = new NpgsqlConnectionStringBuilder(_storage.PostgresConnectionString);
        _proxy = new TcpProxy(record.Host!, record.Port);
        _app = new TestApp(storage: _storage, settings: new Dictionary<string, string?>
        {
            ["RateLimiting:Enabled"] = "false",
            ["ConnectionStrings:Postgres"] = new NpgsqlConnectionStringBuilder(_storage.PostgresConnectionString) { Port = _proxy.Port, Timeout = 2 }.ConnectionString,
            // A stalled record answers nothing: a purchase decided now is answered (202 or 503) a second later.
            ["Distributed:CommitWait"] = "00:00:01",
        });
        _admin = await Api.AsAdminAsync(_app.CreateClient());
    }

    /// <summary>Whatever the start got to (a cluster that failed to start still has nodes running), then the cluster.</summary>
    public async Task DisposeAsync()
    {
        _proxy?.Resume();
        await _cluster.DisposeWithAsync(_app, _storage);
        if (_proxy is not null)
        {
            await _proxy.DisposeAsync();
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A202_IsAnsweredOnlyOnceAReplicaHoldsItsOrder_ElseA503WithTheOutcomeUnknown(bool cutOff)
    {
        var sale = (await _admin.CreateSaleAsync(stock: 10, perUserLimit: 1)).Id();
        var buyers = await _admin.MintBuyersAsync(3);
        using (var first = await _admin.WithToken(buyers[0].Token).PurchaseAsync(sale, key: "k-0"))
        {
            await Api.EnsureAsync(first, HttpStatusCode.Created);
        }

        await _cluster.WaitInSyncAsync(Replica);

        // The replica in sync: it acknowledges the decision (once a second), and the answer is 202.
        _proxy.Stall();
        var watch = Stopwatch.StartNew();
        string pending;
        using (var held = await _admin.WithToken(buyers[1].Token).PurchaseAsync(sale, key: "k-1"))
        {
            await Api.EnsureAsync(held, HttpStatusCode.Accepted);
            var order = JsonNode.Parse(await held.Content.ReadAsStringAsync())!;
            Assert.Equal("pending", order["status"]!.GetValue<string>());
            pending = order["orderId"]!.GetValue<string>();
        }

        output.WriteLine($"202 after {watch.Elapsed}");
        await RecordedAsync(sale, 2);
        Assert.Equal(1, await _storage.ScalarAsync($"SELECT count(*) FROM orders WHERE id = '{pending}'"));

        // The replica stopped: the master still lists it, it acknowledges nothing. Decided, not recorded, not replicated:
        // 503, the outcome unknown (a failover now would lose the order), never 202.
        await ReadyAsync();
        await _cluster.StopAsync(Replica);
        if (cutOff)
        {
            // And its link closed: the master no longer counts it connected, the cluster still lists it (not failed
            // before its 5 s node timeout), and a failover can promote it, as in LaggingReplicaFailoverTests.
            await _cluster.CutReplicasAsync(0);
        }

        _proxy.Stall();
        watch.Restart();
        var unknown = await Api.ExpectProblemAsync(_admin.WithToken(buyers[2].Token).PurchaseAsync(sale, key: "k-2"),
            HttpStatusCode.ServiceUnavailable, "unavailable");
        output.WriteLine($"503 after {watch.Elapsed}: {unknown}");
        Assert.True(unknown["outcomeUnknown"]?.GetValue<bool>(), $"the problem was {unknown}");

        // Without a failover the master keeps it: recorded once PostgreSQL is back, and the key's retry learns it.
        await RecordedAsync(sale, 3);
        await _cluster.ContinueAsync(Replica);
        // The persister's write can land before its ping (every 250 ms while the record is marked down) sees PostgreSQL
        // answer; until then new attempts, this retry among them, are refused 503 before any decision (CI saw one).
        await ReadyAsync();
        using var retried = await _admin.WithToken(buyers[2].Token).PurchaseAsync(sale, key: "k-2");
        await Api.EnsureAsync(retried, HttpStatusCode.Created);
        Assert.Equal(7, (await _admin.StockAsync(sale)).Int("remainingStock"));
    }

    /// <summary>Lets PostgreSQL through again and waits until the sale holds <paramref name="orders"/> orders.</summary>
    private async Task RecordedAsync(string sale, long orders)
    {
        _proxy.Resume();
        var until = DateTime.UtcNow.AddSeconds(30);
        while (await _storage.ScalarAsync($"SELECT count(*) FROM orders WHERE sale_id = '{sale}'") != orders)
        {
            Assert.True(DateTime.UtcNow < until, $"the sale did not reach {orders} recorded orders");
            await Task.Delay(100);
        }
    }

    /// <summary>Waits until the server takes purchases again (the record's health is back after the stall).</summary>
    private async Task ReadyAsync()
    {
        var client = _app.CreateClient();
        var until = DateTime.UtcNow.AddSeconds(30);
        while ((await client.GetAsync("/health/ready")).StatusCode != HttpStatusCode.OK)
        {
            Assert.True(DateTime.UtcNow < until, "the server did not become ready again");
            await Task.Delay(100);
        }
    }
}
