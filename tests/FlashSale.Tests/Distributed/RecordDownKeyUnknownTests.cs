using System.Net;
using FlashSale.Storage.Postgres;
using FlashSale.Tests.Admin;
using FlashSale.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using StackExchange.Redis;

namespace FlashSale.Tests.Distributed;

/// <summary>
/// A keyed attempt whose key's outcome cannot be looked up while the record fails says so (<c>outcomeUnknown</c>), not
/// "nothing was bought": the sale's state missing in Redis (the key's order is in the record alone) as the record fails
/// under the attempt, and Redis unreachable once the record is marked down. A Redis of its own (killed here) and
/// PostgreSQL behind a proxy that is cut; the persister's ping comes every 10 minutes, so the record is marked down by
/// the failure the attempt meets, as it is when an attempt gets there before the ping.
/// </summary>
public sealed class RecordDownKeyUnknownTests : IAsyncLifetime
{
    private const string NothingBought = "Orders cannot be recorded right now; nothing was bought. Try again shortly.";
    private readonly RedisServerProcess _redis = new();
    private TestStorage _storage = null!;
    private TcpProxy _proxy = null!;
    private TestApp _app = null!;

    public async Task InitializeAsync()
    {
        await _redis.StartAsync();
        _storage = TestStorage.Create(StorageKind.Redis, redisOverride: _redis.Address);
        var record = new NpgsqlConnectionStringBuilder(_storage.PostgresConnectionString);
        _proxy = new TcpProxy(record.Host!, record.Port);
        _app = new TestApp(storage: _storage, settings: new Dictionary<string, string?>
        {
            ["RateLimiting:Enabled"] = "false",
            ["ConnectionStrings:Postgres"] = new NpgsqlConnectionStringBuilder(_storage.PostgresConnectionString) { Port = _proxy.Port, Timeout = 2 }.ConnectionString,
            ["Distributed:RecordPing"] = "00:10:00",
        });
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _proxy.DisposeAsync();
        await _storage.DisposeAsync();
        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task AKeyWhoseOutcomeCannotBeLookedUp_WhileTheRecordFails_Is503OutcomeUnknown()
    {
        var admin = await Api.AsAdminAsync(_app.CreateClient());
        var lost = (await admin.CreateSaleAsync(stock: 10)).Id();
        var kept = (await admin.CreateSaleAsync(stock: 10)).Id();
        var buyer = admin.WithToken((await admin.MintBuyersAsync(1))[0].Token);
        await buyer.BoughtAsync(lost, "in-lost");
        await buyer.BoughtAsync(kept, "in-kept");
        var health = _app.Services.GetRequiredService<RecordHealth>();

        // The sale's state lost, then the record gone: the retry's rebuild cannot read the record, which alone holds the
        // key's order.
        await RedisState.LoseAsync(_storage, Guid.Parse(lost));
        _proxy.Cut();
        var rebuildFailed = await Api.ExpectProblemAsync(buyer.PurchaseAsync(lost, 1, "in-lost"), HttpStatusCode.ServiceUnavailable, "unavailable");
        Assert.True(rebuildFailed["outcomeUnknown"]?.GetValue<bool>(), $"the problem was {rebuildFailed}");
        Assert.True(health.IsDown, "the record's failure under the attempt did not mark it down");
        Assert.Equal(NothingBought,
            (await Api.ExpectProblemAsync(buyer.PurchaseAsync(kept), HttpStatusCode.ServiceUnavailable, "unavailable"))["detail"]!.GetValue<string>());

        // Redis gone too: what the key holds cannot be read.
        await _redis.KillAsync();
        var multiplexer = _app.Services.GetRequiredService<IConnectionMultiplexer>();
        for (var i = 0; i < 100 && multiplexer.IsConnected; i++)
        {
            await Task.Delay(50);
        }

        var unread = await Api.ExpectProblemAsync(buyer.PurchaseAsync(kept, 1, "in-kept"), HttpStatusCode.ServiceUnavailable, "unavailable");
        Assert.True(unread["outcomeUnknown"]?.GetValue<bool>(), $"the problem was {unread}");
        Assert.Contains("retry with the same key", unread["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(NothingBought,
            (await Api.ExpectProblemAsync(buyer.PurchaseAsync(kept), HttpStatusCode.ServiceUnavailable, "unavailable"))["detail"]!.GetValue<string>());
    }
}
