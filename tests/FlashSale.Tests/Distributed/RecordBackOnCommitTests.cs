using System.Net;
using FlashSale.Storage.Postgres;
using FlashSale.Tests.Admin;
using FlashSale.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FlashSale.Tests.Distributed;

/// <summary>
/// A batch the persister commits marks the record up, as an answered ping does: the write of an order decided as
/// PostgreSQL stalled is held through the stall and lands when it ends, and purchases resume then, not at the next ping.
/// Here the ping while the record is marked down comes every 10 minutes (<c>Distributed:RecordPingWhileDown</c>), so only
/// the commit can mark it up. Before 2026-12-06 only the ping did (every 250 ms while down), and purchases were refused
/// 503 after the persister had already recorded a batch.
/// </summary>
public sealed class RecordBackOnCommitTests : IAsyncLifetime
{
    private readonly ErrorLog _log = new(LogLevel.Information);
    private RecordBehindProxy _record = null!;

    public Task InitializeAsync()
    {
        _record = RecordBehindProxy.Create(new Dictionary<string, string?>
        {
            ["RateLimiting:Enabled"] = "false",
            ["Distributed:CommitWait"] = "00:00:01",
            ["Distributed:RecordPingWhileDown"] = "00:10:00",
        }, services => services.AddSingleton<ILoggerProvider>(_log));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _record.DisposeAsync();

    [Fact]
    public async Task ABatchCommittedAsAStallEnds_MarksTheRecordUp_WithoutWaitingForThePing()
    {
        var admin = await Api.AsAdminAsync(_record.App.CreateClient());
        var sale = (await admin.CreateSaleAsync(stock: 10, perUserLimit: 1)).Id();
        var buyers = await admin.MintBuyersAsync(3);
        var health = _record.App.Services.GetRequiredService<RecordHealth>();
        await admin.WithToken(buyers[0].Token).BoughtAsync(sale, "before");
        // Idle connections in the pool: the persister's write takes one that is open when the stall begins (a new one
        // would fail its 2 s connect timeout instead of being held), as the ping takes another.
        await _record.FillPoolAsync(8);

        _record.Proxy.Stall();
        using (var decided = await admin.WithToken(buyers[1].Token).PurchaseAsync(sale, 1, "held"))
        {
            await Api.EnsureAsync(decided, HttpStatusCode.Accepted);
        }

        var until = DateTime.UtcNow.AddSeconds(20);
        while (!health.IsDown)
        {
            Assert.True(DateTime.UtcNow < until, "the record was not marked down during the stall");
            await Task.Delay(50);
        }

        await Api.ExpectProblemAsync(admin.WithToken(buyers[2].Token).PurchaseAsync(sale), HttpStatusCode.ServiceUnavailable, "unavailable");

        // The stall ends: the held write commits, and that is the record answering.
        _record.Proxy.Resume();
        var back = DateTime.UtcNow.AddSeconds(15);
        while (health.IsDown)
        {
            Assert.True(DateTime.UtcNow < back, "the record was still marked down 15 s after the stall ended (the next ping is due in 10 min)\n"
                + string.Join("\n", _log.Entries));
            await Task.Delay(50);
        }

        await admin.WithToken(buyers[2].Token).BoughtAsync(sale, "after");
        Assert.Equal(3, await _record.Storage.ScalarAsync($"SELECT count(*) FROM orders WHERE sale_id = '{sale}'"));
    }
}
