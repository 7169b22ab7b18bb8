using System.Diagnostics;
using System.Net;
using FlashSale.Live;
using FlashSale.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace FlashSale.Tests.Live;

/// <summary>
/// A large audience: the feed stays within its delivery budget (fewer updates, each still reaching everyone, the
/// interval exported as a metric), and a fan-out paced in chunks reaches every viewer.
/// </summary>
public sealed class FeedAudienceTests : IAsyncLifetime
{
    // Two deliveries a second per core, and three viewers per core: the feed must rest 1.5 s between reads.
    private static readonly int Viewers = 3 * Environment.ProcessorCount;

    private readonly TestApp _app = new(realSocket: true, settings: new Dictionary<string, string?>
    {
        ["Live:MaxDeliveriesPerSecondPerCore"] = "2",
        ["RateLimiting:Enabled"] = "false",
        // Hundreds of viewers from the test's one address: the per-address caps (StreamQuotaTests, ConnectionQuotaTests) are off here.
        ["Live:MaxStreamsPerClient"] = "0",
        ["Limits:MaxConnectionsPerClient"] = "0",
    });

    private Api _admin = null!;

    public async Task InitializeAsync() => _admin = await Api.AsAdminAsync(_app.CreateClient());

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task MoreViewersThanTheBudget_GetFewerUpdates_AndStillTheLatestStock()
    {
        const int purchases = 20;
        var saleId = (await _admin.CreateSaleAsync(stock: 100, perUserLimit: purchases))["id"]!.GetValue<string>();
        var buyer = _admin.WithToken((await _admin.MintBuyersAsync(1))[0].Token);
        var viewers = await ConnectAsync(saleId, Viewers);

        // Purchases every 100 ms for 2 s: at the coalescing interval alone (200 ms) that is ~10 updates.
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < purchases; i++)
        {
            using var bought = await buyer.PurchaseAsync(saleId);
            await Api.EnsureAsync(bought, HttpStatusCode.Created);
            await Task.Delay(100);
        }

        var received = await Task.WhenAll(viewers.Select(v => v.UntilAsync(e => e.Remaining == 100 - purchases)));

        // One read, then one per 1.5 s rest at most: over ~2-3 s of purchases and waiting, 4 updates at the very most.
        var allowed = (int)(clock.Elapsed / TimeSpan.FromSeconds(1.5)) + 2;
        Assert.All(received, r => Assert.InRange(r.Count, 1, allowed));
        await DisposeAllAsync(viewers);
    }

    [Fact]
    public async Task AFanOutPacedInChunks_ReachesEveryViewer()
    {
        var saleId = (await _admin.CreateSaleAsync(stock: 10))["id"]!.GetValue<string>();
        var viewers = await ConnectAsync(saleId, SaleFeed.FanOutChunk * 2 + 7);
        var buyer = _admin.WithToken((await _admin.MintBuyersAsync(1))[0].Token);

        using (var bought = await buyer.PurchaseAsync(saleId))
        {
            await Api.EnsureAsync(bought, HttpStatusCode.Created);
        }

        var received = await Task.WhenAll(viewers.Select(v => v.UntilAsync(e => e.Name == "stock" && e.Remaining == 9, TimeSpan.FromSeconds(30))));
        Assert.Equal(viewers.Count, received.Length);
        await DisposeAllAsync(viewers);
    }

    [Fact]
    public async Task TheUpdateInterval_StretchesWithTheAudience_AndIsExported()
    {
        var hub = _app.Services.GetRequiredService<SaleFeedHub>();
        Assert.Equal(TimeSpan.FromMilliseconds(200), hub.UpdateInterval); // Live:MinInterval, nobody watching

        var saleId = (await _admin.CreateSaleAsync(stock: 10))["id"]!.GetValue<string>();
        var viewers = await ConnectAsync(saleId, Viewers);

        Assert.Equal(TimeSpan.FromSeconds(1.5), hub.UpdateInterval); // viewers ÷ (2 a second per core × cores)
        // The gauge's value is not asserted here: OpenTelemetry listens to the meter by name in the whole process, and
        // of the test apps running in parallel it reports the instrument registered first.
        Assert.Contains("flashsale_live_update_interval_seconds", await _app.CreateClient().GetStringAsync("/metrics"), StringComparison.Ordinal);
        await DisposeAllAsync(viewers);
        await WaitUntilAsync(() => hub.UpdateInterval == TimeSpan.FromMilliseconds(200));
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "Timed out waiting.");
            await Task.Delay(25);
        }
    }

    private async Task<List<SseClient>> ConnectAsync(string saleId, int count)
    {
        var http = _app.CreateClient();
        var viewers = new List<SseClient>();
        for (var i = 0; i < count; i++)
        {
            var viewer = await SseClient.ConnectAsync(http, saleId);
            Assert.Equal("snapshot", (await viewer.NextAsync()).Name);
            viewers.Add(viewer);
        }

        return viewers;
    }

    private static async Task DisposeAllAsync(List<SseClient> viewers)
    {
        foreach (var viewer in viewers)
        {
            await viewer.DisposeAsync();
        }
    }
}
