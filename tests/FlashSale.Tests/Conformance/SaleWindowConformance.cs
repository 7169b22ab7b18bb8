using System.Net;
using FlashSale.Tests.Infrastructure;

namespace FlashSale.Tests.Conformance;

public sealed class SaleWindowOnEmbedded() : SaleWindowConformance(StorageKind.Embedded, ManualClock.OnAWholeMillisecond());

public sealed class SaleWindowOnRedis() : SaleWindowConformance(StorageKind.Redis, ManualClock.OnAWholeMillisecond());

public sealed class SaleWindowOnRedisCluster() : SaleWindowConformance(StorageKind.RedisCluster, ManualClock.OnAWholeMillisecond());

/// <summary>G6: nothing is confirmed outside [startsAt, endsAt), by the server's (fake) clock.</summary>
public abstract class SaleWindowConformance(StorageKind kind, ManualClock clock) : ConformanceTest(kind, clock: clock)
{
    private readonly ManualClock _clock = clock;

    /// <summary>The window is [startsAt, endsAt) to the millisecond: open at startsAt itself, closed at endsAt itself.</summary>
    [Fact]
    public async Task TheWindowsEdges_ToTheMillisecond()
    {
        var now = _clock.GetUtcNow();
        var startsAt = now.AddMinutes(5);
        var endsAt = now.AddMinutes(10);
        var saleId = (await Admin.CreateSaleAsync(stock: 10, startsAt: startsAt, endsAt: endsAt))["id"]!.GetValue<string>();
        var buyers = await Admin.MintBuyersAsync(4);
        var oneMs = TimeSpan.FromMilliseconds(1);

        _clock.Set(startsAt - oneMs);
        using (var justBefore = await Admin.WithToken(buyers[0].Token).PurchaseAsync(saleId))
        {
            Assert.Equal(HttpStatusCode.Conflict, justBefore.StatusCode);
            Assert.Equal("sale_not_started", await Api.ReasonAsync(justBefore));
        }

        _clock.Set(startsAt);
        using (var atStart = await Admin.WithToken(buyers[1].Token).PurchaseAsync(saleId))
        {
            Assert.Equal(HttpStatusCode.Created, atStart.StatusCode);
        }

        _clock.Set(endsAt - oneMs);
        using (var lastMs = await Admin.WithToken(buyers[2].Token).PurchaseAsync(saleId))
        {
            Assert.Equal(HttpStatusCode.Created, lastMs.StatusCode);
        }

        _clock.Set(endsAt);
        using (var atEnd = await Admin.WithToken(buyers[3].Token).PurchaseAsync(saleId))
        {
            Assert.Equal(HttpStatusCode.Conflict, atEnd.StatusCode);
            Assert.Equal("sale_ended", await Api.ReasonAsync(atEnd));
        }

        Assert.Equal("ended", (await Admin.StockAsync(saleId))["status"]!.GetValue<string>());
        Assert.Equal(2, (await Admin.AllOrdersAsync(saleId)).Count);
    }

    [Fact]
    public async Task BeforeStart_SaleNotStarted_AtStart_Sells_AtEnd_SaleEnded()
    {
        var now = _clock.GetUtcNow();
        var saleId = (await Admin.CreateSaleAsync(stock: 10, startsAt: now.AddMinutes(5), endsAt: now.AddMinutes(10)))["id"]!
            .GetValue<string>();
        var buyers = await Admin.MintBuyersAsync(3);

        using var early = await Admin.WithToken(buyers[0].Token).PurchaseAsync(saleId);
        Assert.Equal(HttpStatusCode.Conflict, early.StatusCode);
        Assert.Equal("sale_not_started", await Api.ReasonAsync(early));
        Assert.Equal("upcoming", (await Admin.StockAsync(saleId))["status"]!.GetValue<string>());

        _clock.Advance(TimeSpan.FromMinutes(5));
        using var onTime = await Admin.WithToken(buyers[1].Token).PurchaseAsync(saleId);
        Assert.Equal(HttpStatusCode.Created, onTime.StatusCode);

        _clock.Advance(TimeSpan.FromMinutes(5));
        using var late = await Admin.WithToken(buyers[2].Token).PurchaseAsync(saleId);
        Assert.Equal(HttpStatusCode.Conflict, late.StatusCode);
        Assert.Equal("sale_ended", await Api.ReasonAsync(late));
        Assert.Equal("ended", (await Admin.StockAsync(saleId))["status"]!.GetValue<string>());

        Assert.Single(await Admin.AllOrdersAsync(saleId));
    }

    [Fact]
    public async Task ClockJumpingBackBeforeStart_ConfirmsNothing()
    {
        var now = _clock.GetUtcNow();
        var saleId = (await Admin.CreateSaleAsync(stock: 10, startsAt: now.AddMinutes(1), endsAt: now.AddMinutes(2)))["id"]!
            .GetValue<string>();
        var buyer = Admin.WithToken((await Admin.MintBuyersAsync(1))[0].Token);

        _clock.Advance(TimeSpan.FromMinutes(3));
        using var afterEnd = await buyer.PurchaseAsync(saleId);
        Assert.Equal("sale_ended", await Api.ReasonAsync(afterEnd));

        _clock.Set(now);
        using var beforeStart = await buyer.PurchaseAsync(saleId);
        Assert.Equal("sale_not_started", await Api.ReasonAsync(beforeStart));
        Assert.Empty(await Admin.AllOrdersAsync(saleId));
    }
}
