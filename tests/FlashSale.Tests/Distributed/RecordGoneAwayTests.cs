using System.Net;
using FlashSale.Storage.Postgres;
using FlashSale.Tests.Admin;
using FlashSale.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FlashSale.Tests.Distributed;

/// <summary>
/// PostgreSQL's connections go silent for good while new ones are answered, as after a failover to another host or a
/// dead host's replacement: nothing resets them, so a query sent on one waits until the kernel gives up (~15 minutes).
/// The persister's ping, sent on such a connection, was waited for by every later ping (one outstanding at a time), and
/// the record stayed marked down — every purchase refused 503 — while a new connection would have been answered. A ping
/// unanswered for 10 s is now given up, the pool cleared, and the next one goes on a fresh connection.
/// </summary>
public sealed class RecordGoneAwayTests : IAsyncLifetime
{
    private readonly ErrorLog _log = new(LogLevel.Warning);
    private RecordBehindProxy _record = null!;

    public Task InitializeAsync()
    {
        _record = RecordBehindProxy.Create(new Dictionary<string, string?> { ["RateLimiting:Enabled"] = "false" },
            services => services.AddSingleton<ILoggerProvider>(_log));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _record.DisposeAsync();

    [Fact]
    public async Task ConnectionsGoneSilent_TheRecordIsMarkedDown_ThenUpOnAFreshConnection_AndPurchasesAreRecordedAgain()
    {
        var admin = await Api.AsAdminAsync(_record.App.CreateClient());
        var sale = (await admin.CreateSaleAsync(stock: 10, perUserLimit: 1)).Id();
        var buyers = await admin.MintBuyersAsync(2);
        var health = _record.App.Services.GetRequiredService<RecordHealth>();
        await admin.WithToken(buyers[0].Token).BoughtAsync(sale, "before");
        // Idle connections in the pool, as a busy instance has: each leads to the silent server, so a fresh ping must not
        // take one of them (the pool is cleared when a ping is given up).
        await _record.FillPoolAsync(8);

        _record.Proxy.BlackHoleExisting();
        await WaitUntilAsync(() => health.IsDown, TimeSpan.FromSeconds(20), "the record was not marked down once its connections went silent");

        // Given up after 10 s; the fresh connection's ping is answered at once.
        await WaitUntilAsync(() => !health.IsDown, TimeSpan.FromSeconds(40),
            "the record was still marked down 40 s after its connections went silent, though new ones are answered");
        Assert.Contains(_log.Entries, e => e.Contains(" 4212 ", StringComparison.Ordinal));

        await admin.WithToken(buyers[1].Token).BoughtAsync(sale, "after");
        Assert.Equal(2, await _record.Storage.ScalarAsync($"SELECT count(*) FROM orders WHERE sale_id = '{sale}'"));
        using var stock = await admin.GetAsync($"/api/v1/sales/{sale}/stock");
        Assert.Equal(HttpStatusCode.OK, stock.StatusCode);
    }

    private async Task WaitUntilAsync(Func<bool> condition, TimeSpan within, string failure)
    {
        var until = DateTime.UtcNow + within;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < until, failure + "\n" + string.Join("\n", _log.Entries));
            await Task.Delay(50);
        }
    }
}
