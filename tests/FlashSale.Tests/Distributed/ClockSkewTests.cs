using System.Net;
using FlashSale.Tests.Admin;
using FlashSale.Tests.Infrastructure;

namespace FlashSale.Tests.Distributed;

/// <summary>
/// G6 across instances: each decides a sale's window on its own clock, so an instance whose clock is off Redis's by more
/// than Distributed:MaxClockSkew refuses purchases and sale changes (503, nothing bought or changed) and turns unready
/// (ClockSkewWatch), and takes them again once back in step. Found by a failure drill: an instance 90 s ahead confirmed
/// purchases a minute before the start while the other refused them, and an "end now" on it left the sale open on the
/// other for 90 s; readiness said nothing.
/// </summary>
public sealed class ClockSkewTests : IAsyncLifetime
{
    private readonly OffsetClock _clock = new();
    private TestApp _app = null!;

    public Task InitializeAsync()
    {
        _app = new TestApp(kind: StorageKind.Redis, clock: _clock, settings: new Dictionary<string, string?>
        {
            ["Distributed:MaxClockSkew"] = "00:00:00.500",
            ["Distributed:ClockCheckInterval"] = "00:00:00.100",
        });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task AClockAheadOfRedis_RefusesPurchasesAndSaleChanges_TurnsUnready_AndRecoversInStep()
    {
        var client = _app.CreateClient();
        var admin = await Api.AsAdminAsync(client);
        var sale = (await admin.CreateSaleAsync(stock: 5)).Id();
        var buyers = await admin.MintBuyersAsync(2);
        var buyer = admin.WithToken(buyers[0].Token);
        await buyer.BoughtAsync(sale);
        await ReadyIsAsync(client, HttpStatusCode.OK);

        _clock.Offset = TimeSpan.FromSeconds(90);
        var body = await ReadyIsAsync(client, HttpStatusCode.ServiceUnavailable);
        Assert.Contains("clock: unavailable", body, StringComparison.Ordinal);

        using (var refused = await admin.WithToken(buyers[1].Token).PurchaseAsync(sale))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            Assert.NotNull(refused.Headers.RetryAfter);
            Assert.Contains("clock", await Api.DetailAsync(refused), StringComparison.Ordinal);
        }

        using (var end = await admin.PostEmptyAsync($"/api/v1/admin/sales/{sale}/end"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, end.StatusCode);
            Assert.NotNull(end.Headers.RetryAfter);
        }

        var stock = await admin.StockAsync(sale);
        Assert.Equal(4, stock["remainingStock"]!.GetValue<int>());
        Assert.Equal("active", (await admin.GetJsonAsync($"/api/v1/sales/{sale}"))["status"]!.GetValue<string>());

        _clock.Offset = TimeSpan.Zero;
        await ReadyIsAsync(client, HttpStatusCode.OK);
        await admin.WithToken(buyers[1].Token).BoughtAsync(sale);
        Assert.Equal(3, (await admin.StockAsync(sale))["remainingStock"]!.GetValue<int>());
    }

    private static async Task<string> ReadyIsAsync(HttpClient client, HttpStatusCode expected)
    {
        var body = "";
        await SceneSteps.UntilAsync(async () =>
        {
            using var ready = await client.GetAsync("/health/ready");
            body = await ready.Content.ReadAsStringAsync();
            return ready.StatusCode == expected;
        }, withinSeconds: 15);
        return body;
    }

    /// <summary>The real clock moved by <see cref="Offset"/>: a host whose time synchronisation is off.</summary>
    private sealed class OffsetClock : TimeProvider
    {
        private long _offsetTicks;

        public TimeSpan Offset
        {
            get => TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));
            set => Interlocked.Exchange(ref _offsetTicks, value.Ticks);
        }

        public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + Offset;
    }
}
