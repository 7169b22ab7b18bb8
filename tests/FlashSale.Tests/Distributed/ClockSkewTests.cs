using System.Net;
using System.Net.Http.Json;
using FlashSale.Storage.Redis;
using FlashSale.Tests.Admin;
using FlashSale.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

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

    [Theory]
    [InlineData(90)]
    [InlineData(-90)]
    public async Task AClockOffRedis_RefusesPurchasesAndSaleChanges_TurnsUnready_AndRecoversInStep(int offSeconds)
    {
        var client = _app.CreateClient();
        var admin = await Api.AsAdminAsync(client);
        var sale = (await admin.CreateSaleAsync(stock: 5)).Id();
        var buyers = await admin.MintBuyersAsync(2);
        var buyer = admin.WithToken(buyers[0].Token);
        await buyer.BoughtAsync(sale);
        await ReadyIsAsync(client, HttpStatusCode.OK);

        _clock.Offset = TimeSpan.FromSeconds(offSeconds);
        var body = await ReadyIsAsync(client, HttpStatusCode.ServiceUnavailable);
        Assert.Contains("clock: unavailable", body, StringComparison.Ordinal);

        using (var refused = await admin.WithToken(buyers[1].Token).PurchaseAsync(sale))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            Assert.NotNull(refused.Headers.RetryAfter);
            Assert.Contains("nothing was bought", await Api.DetailAsync(refused), StringComparison.Ordinal);
        }

        // A keyed retry is not told "nothing was bought": its key's first attempt may have bought (G5).
        using (var keyed = await buyer.PurchaseAsync(sale, key: "first-try"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, keyed.StatusCode);
            Assert.DoesNotContain("nothing was bought", await Api.DetailAsync(keyed), StringComparison.Ordinal);
            Assert.True((await keyed.Content.ReadFromJsonAsync<System.Text.Json.Nodes.JsonObject>())!["outcomeUnknown"]!.GetValue<bool>());
        }

        using (var end = await admin.PostEmptyAsync($"/api/v1/admin/sales/{sale}/end"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, end.StatusCode);
            Assert.NotNull(end.Headers.RetryAfter);
        }

        var stock = await admin.StockAsync(sale);
        Assert.Equal(4, stock["remainingStock"]!.GetValue<int>());
        _clock.Offset = TimeSpan.Zero;
        // Not ended by the refused "end now" (read in step: a clock behind would call it upcoming).
        Assert.Equal("active", (await admin.GetJsonAsync($"/api/v1/sales/{sale}"))["status"]!.GetValue<string>());
        await ReadyIsAsync(client, HttpStatusCode.OK);
        await admin.WithToken(buyers[1].Token).BoughtAsync(sale);
        Assert.Equal(3, (await admin.StockAsync(sale))["remainingStock"]!.GetValue<int>());
    }

    /// <summary>
    /// "Ended an hour ago" is judged on the instance's clock, so an instance out of step retires nothing: until 2026-12-07
    /// one two hours ahead retired the state of every sale ending within the next hour (an audit with libfaketime).
    /// </summary>
    [Fact]
    public async Task AClockOutOfStep_RetiresNoSale()
    {
        var client = _app.CreateClient();
        var admin = await Api.AsAdminAsync(client);
        var sale = (await admin.CreateSaleAsync(stock: 5, endsAt: DateTimeOffset.UtcNow.AddMinutes(30))).Id();
        await admin.WithToken((await admin.MintBuyersAsync(1))[0].Token).BoughtAsync(sale);
        var retirement = _app.Services.GetRequiredService<SaleRetirement>();
        Assert.Equal(0, await retirement.SweepAsync(CancellationToken.None));

        _clock.Offset = TimeSpan.FromHours(2);
        await ReadyIsAsync(client, HttpStatusCode.ServiceUnavailable);

        Assert.Equal(0, await retirement.SweepAsync(CancellationToken.None));
        await using var redis = await RedisState.ConnectAsync(_app.Storage);
        Assert.True(await redis.GetDatabase().KeyExistsAsync(RedisKeys.Meta(Guid.Parse(sale))));
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
