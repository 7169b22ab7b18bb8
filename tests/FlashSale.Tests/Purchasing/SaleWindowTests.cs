using System.Net;
using FlashSale.Tests.Infrastructure;

namespace FlashSale.Tests.Purchasing;

/// <summary>G6: nothing is confirmed outside [startsAt, endsAt), by the server's (fake) clock.</summary>
public sealed class SaleWindowTests : IAsyncLifetime
{
    private readonly ManualClock _clock = new(DateTimeOffset.UtcNow);
    private readonly TestApp _app;
    private Api _admin = null!;

    public SaleWindowTests() => _app = new TestApp(clock: _clock);

    public async Task InitializeAsync() => _admin = await Api.AsAdminAsync(_app.CreateClient());

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task BeforeStart_SaleNotStarted_AtStart_Sells_AtEnd_SaleEnded()
    {
        var now = _clock.GetUtcNow();
        var saleId = (await _admin.CreateSaleAsync(stock: 10, startsAt: now.AddMinutes(5), endsAt: now.AddMinutes(10)))["id"]!
            .GetValue<string>();
        var buyers = await _admin.MintBuyersAsync(3);

        using var early = await _admin.WithToken(buyers[0].Token).PurchaseAsync(saleId);
        Assert.Equal(HttpStatusCode.Conflict, early.StatusCode);
        Assert.Equal("sale_not_started", await Api.ReasonAsync(early));
        Assert.Equal("upcoming", (await _admin.StockAsync(saleId))["status"]!.GetValue<string>());

        _clock.Advance(TimeSpan.FromMinutes(5));
        using var onTime = await _admin.WithToken(buyers[1].Token).PurchaseAsync(saleId);
        Assert.Equal(HttpStatusCode.Created, onTime.StatusCode);

        _clock.Advance(TimeSpan.FromMinutes(5));
        using var late = await _admin.WithToken(buyers[2].Token).PurchaseAsync(saleId);
        Assert.Equal(HttpStatusCode.Conflict, late.StatusCode);
        Assert.Equal("sale_ended", await Api.ReasonAsync(late));
        Assert.Equal("ended", (await _admin.StockAsync(saleId))["status"]!.GetValue<string>());

        Assert.Single(await _admin.AllOrdersAsync(saleId));
    }

    [Fact]
    public async Task ClockJumpingBackBeforeStart_ConfirmsNothing()
    {
        var now = _clock.GetUtcNow();
        var saleId = (await _admin.CreateSaleAsync(stock: 10, startsAt: now.AddMinutes(1), endsAt: now.AddMinutes(2)))["id"]!
            .GetValue<string>();
        var buyer = _admin.WithToken((await _admin.MintBuyersAsync(1))[0].Token);

        _clock.Advance(TimeSpan.FromMinutes(3));
        using var afterEnd = await buyer.PurchaseAsync(saleId);
        Assert.Equal("sale_ended", await Api.ReasonAsync(afterEnd));

        _clock.Set(now);
        using var beforeStart = await buyer.PurchaseAsync(saleId);
        Assert.Equal("sale_not_started", await Api.ReasonAsync(beforeStart));
        Assert.Empty(await _admin.AllOrdersAsync(saleId));
    }
}
