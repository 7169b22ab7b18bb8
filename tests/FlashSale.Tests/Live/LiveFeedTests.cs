using System.Diagnostics;
using System.Net;
using FlashSale.Live;
using FlashSale.Purchasing;
using FlashSale.Storage.Embedded;
using FlashSale.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace FlashSale.Tests.Live;

/// <summary>The SSE feed: snapshot, updates, resumption, time-driven status, and one read per tick however many listen.</summary>
public sealed class LiveFeedTests : IAsyncLifetime
{
    private readonly TestApp _app;
    private Api _admin = null!;

    public LiveFeedTests() => _app = new TestApp(realSocket: true, services: services =>
    {
        services.AddSingleton(sp => new CountingLedger(sp.GetRequiredService<EmbeddedLedger>()));
        services.Replace(ServiceDescriptor.Singleton<IPurchaseLedger>(sp => sp.GetRequiredService<CountingLedger>()));
    });

    public async Task InitializeAsync() => _admin = await Api.AsAdminAsync(_app.CreateClient());

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Client_GetsSnapshot_ThenUpdatesAfterPurchases_ThenResumesWithLastEventId()
    {
        var saleId = (await _admin.CreateSaleAsync(stock: 5))["id"]!.GetValue<string>();
        var buyers = await _admin.MintBuyersAsync(4);

        await using var first = await SseClient.ConnectAsync(_app.CreateClient(), saleId);
        Assert.Equal("text/event-stream", first.Response.Content.Headers.ContentType?.MediaType);
        // Its own caching rule, not the default no-store: proxies must not buffer or transform the stream.
        Assert.True(first.Response.Headers.CacheControl is { NoCache: true, NoTransform: true, NoStore: false },
            $"Cache-Control is '{first.Response.Headers.CacheControl}'");
        var snapshot = await first.NextAsync();
        Assert.Equal("snapshot", snapshot.Name);
        Assert.Equal(5, snapshot.Remaining);
        Assert.Equal("active", snapshot.Status);
        Assert.NotNull(snapshot.Json["serverTime"]);
        Assert.NotNull(first.Retry);

        await BuyAsync(buyers[0].Token, saleId);
        await BuyAsync(buyers[1].Token, saleId);
        var (update, _) = await first.UntilAsync(e => e.Name == "stock" && e.Remaining == 3);
        Assert.True(update.Version > snapshot.Version);
        await first.DisposeAsync();

        // Missed a purchase while away: resuming sends the newer state at once.
        await BuyAsync(buyers[2].Token, saleId);
        await WaitForStockAsync(saleId, 2);
        await using var resumed = await SseClient.ConnectAsync(_app.CreateClient(), saleId, update.Id);
        var (catchUp, _) = await resumed.UntilAsync(e => e.Remaining == 2);
        Assert.True(catchUp.Version > update.Version);

        // Up to date already: no snapshot, only what changes next.
        await using var current = await SseClient.ConnectAsync(_app.CreateClient(), saleId, catchUp.Id);
        await Task.Delay(300);
        await BuyAsync(buyers[3].Token, saleId);
        var next = await current.NextAsync();
        Assert.Equal("stock", next.Name);
        Assert.Equal(1, next.Remaining);
        Assert.True(next.Version > catchUp.Version);
    }

    [Fact]
    public async Task ResumingWithAnIdFromAnInstanceWhoseClockRunsAhead_GetsTheCurrentState_AndEveryChangeAfter()
    {
        // Behind a load balancer the id may come from another instance; ids are each instance's clock in ms. One a
        // minute ahead of this instance's was taken as "seen already": no snapshot, and every change for that minute
        // skipped, so the viewer's stock stood still.
        var saleId = (await _admin.CreateSaleAsync(stock: 5))["id"]!.GetValue<string>();
        var buyers = await _admin.MintBuyersAsync(1);
        await using var first = await SseClient.ConnectAsync(_app.CreateClient(), saleId);
        var snapshot = await first.NextAsync();
        var ahead = (snapshot.Version + (long)TimeSpan.FromMinutes(1).TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture);

        await using var resumed = await SseClient.ConnectAsync(_app.CreateClient(), saleId, ahead);
        var current = await resumed.NextAsync(TimeSpan.FromSeconds(5));
        Assert.Equal("snapshot", current.Name);
        Assert.Equal(5, current.Remaining);

        await BuyAsync(buyers[0].Token, saleId);
        var (update, _) = await resumed.UntilAsync(e => e.Remaining == 4);
        Assert.Equal("stock", update.Name);
    }

    [Fact]
    public async Task UpcomingSale_TurnsActiveOnTheFeed_WithoutAnyPurchase()
    {
        // The sale's clock is the test's: on a loaded machine a real one could pass the start before the first
        // snapshot (seen in CI). The feed wakes on real timers, at the latest at each heartbeat (1 s here), and
        // reads the status from the sale's clock.
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        await using var app = new TestApp(realSocket: true, clock: clock,
            settings: new Dictionary<string, string?> { ["Live:HeartbeatInterval"] = "00:00:01" });
        var admin = await Api.AsAdminAsync(app.CreateClient());
        var start = clock.GetUtcNow().AddMinutes(1);
        var saleId = (await admin.CreateSaleAsync(stock: 3, startsAt: start, endsAt: start.AddMinutes(1)))["id"]!.GetValue<string>();

        await using var client = await SseClient.ConnectAsync(app.CreateClient(), saleId);
        Assert.Equal("upcoming", (await client.NextAsync()).Status);
        clock.Set(start);
        var (opened, _) = await client.UntilAsync(e => e.Status == "active", TimeSpan.FromSeconds(8));
        Assert.Equal(3, opened.Remaining);
        clock.Set(start.AddMinutes(1));
        await client.UntilAsync(e => e.Status == "ended", TimeSpan.FromSeconds(8));
    }

    [Fact]
    public async Task ManyClients_OnOneSale_CauseOneLedgerReadPerTick_NotOnePerClient()
    {
        const int clients = 60;
        const int purchases = 12;
        var saleId = (await _admin.CreateSaleAsync(stock: 100))["id"]!.GetValue<string>();
        var buyers = await _admin.MintBuyersAsync(purchases);
        var http = _app.CreateClient();
        var listeners = new List<SseClient>();
        for (var i = 0; i < clients; i++)
        {
            var listener = await SseClient.ConnectAsync(http, saleId);
            Assert.Equal(100, (await listener.NextAsync()).Remaining);
            listeners.Add(listener);
        }

        var hub = _app.Services.GetRequiredService<SaleFeedHub>();
        var ledger = _app.Services.GetRequiredService<CountingLedger>();
        Assert.Equal(1, hub.FeedCount);
        var before = ledger.StockReads;
        var clock = Stopwatch.StartNew();
        // All at once: each purchase announces a change, and the feed must fold them into its ticks however fast the
        // machine commits them (one after another, 50 ms apart, a slow run made each its own tick).
        await Task.WhenAll(buyers.Select(buyer => BuyAsync(buyer.Token, saleId)));

        var received = await Task.WhenAll(listeners.Select(l => l.UntilAsync(e => e.Remaining == 100 - purchases)));
        var reads = ledger.StockReads - before;
        var ticks = (int)(clock.Elapsed / hub.Options.MinInterval) + 2;

        // One read per tick for the sale, whatever the number of clients; and coalesced: fewer updates than purchases.
        Assert.InRange(reads, 1, ticks);
        Assert.True(reads < clients, $"{reads} reads for {clients} clients");
        Assert.All(received, r => Assert.InRange(r.Count, 1, ticks));
        Assert.All(received, r => Assert.True(r.Count < purchases, $"{r.Count} updates for {purchases} purchases: not coalesced"));

        foreach (var listener in listeners)
        {
            await listener.DisposeAsync();
        }

        await WaitUntilAsync(() => hub.FeedCount == 0);
    }

    [Fact]
    public async Task UnknownSale_IsProblem404()
    {
        using var response = await _app.CreateClient().GetAsync($"/api/v1/sales/{Guid.NewGuid()}/events");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("sale_not_found", await Api.ReasonAsync(response));
    }

    private async Task BuyAsync(string token, string saleId)
    {
        using var response = await _admin.WithToken(token).PurchaseAsync(saleId);
        await Api.EnsureAsync(response, HttpStatusCode.Created);
    }

    private async Task WaitForStockAsync(string saleId, int remaining) =>
        await WaitUntilAsync(async () => (await _admin.StockAsync(saleId))["remainingStock"]!.GetValue<int>() == remaining);

    private static Task WaitUntilAsync(Func<bool> condition) => WaitUntilAsync(() => Task.FromResult(condition()));

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "Timed out waiting.");
            await Task.Delay(25);
        }
    }
}
