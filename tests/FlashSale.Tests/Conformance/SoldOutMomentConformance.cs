using System.Net;
using FlashSale.Tests.Admin;
using FlashSale.Tests.Infrastructure;

namespace FlashSale.Tests.Conformance;

public sealed class SoldOutMomentOnEmbedded() : SoldOutMomentConformance(StorageKind.Embedded, ManualClock.OnAWholeMillisecond());

public sealed class SoldOutMomentOnRedis() : SoldOutMomentConformance(StorageKind.Redis, ManualClock.OnAWholeMillisecond());

/// <summary>
/// The stats' <c>soldOutAt</c> is the first moment the sale's stock reached zero, shown while it is sold out now. Until
/// 2026-12-07 it was the last purchase: once an admin cancelled an order of a sold-out sale and the unit sold again
/// later, a sale that sold out in 4 s read "sold out in 1 min 52 s".
/// </summary>
public abstract class SoldOutMomentConformance(StorageKind kind, ManualClock clock) : ConformanceTest(kind, clock: clock)
{
    [Fact]
    public async Task SoldOut_Cancelled_SoldAgainLater_SoldOutAtStaysTheFirstSellOut()
    {
        var startsAt = clock.GetUtcNow().AddMinutes(1);
        var saleId = (await Admin.CreateSaleAsync(stock: 2, startsAt: startsAt, endsAt: startsAt.AddHours(1))).Id();
        var buyers = await Admin.MintBuyersAsync(3);

        clock.Set(startsAt.AddSeconds(1));
        await Admin.WithToken(buyers[0].Token).BoughtAsync(saleId);
        await AssertNotSoldOutAsync(saleId, "one of two units sold");

        clock.Set(startsAt.AddSeconds(4));
        var last = await Admin.WithToken(buyers[1].Token).BoughtAsync(saleId);
        await AssertSoldOutAsync(saleId, startsAt.AddSeconds(4), "sold out");

        // The order that sold the last unit is cancelled: not sold out now, so no sell-out shown (as before).
        using (var cancelled = await Admin.PostEmptyAsync($"/api/v1/admin/orders/{last}/cancel"))
        {
            Assert.Equal(HttpStatusCode.OK, cancelled.StatusCode);
        }

        await AssertNotSoldOutAsync(saleId, "a unit back after the cancel");

        clock.Set(startsAt.AddSeconds(112));
        await Admin.WithToken(buyers[2].Token).BoughtAsync(saleId);
        await AssertSoldOutAsync(saleId, startsAt.AddSeconds(4), "sold again 1 min 52 s after the start");

        using var page = await Admin.GetAsync($"/admin/sales/{saleId}");
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains(">sold out in 4 s</dd>", html, StringComparison.Ordinal);
    }

    private async Task AssertSoldOutAsync(string saleId, DateTimeOffset at, string when)
    {
        var line = await Admin.StatsLineAsync(saleId);
        Assert.True(line["status"]!.GetValue<string>() == "sold_out", $"{when}: {line}");
        Assert.Equal(at, line["soldOutAt"]!.GetValue<DateTimeOffset>());
        Assert.Equal(4, line["timeToSellOutSeconds"]!.GetValue<double>(), 3);
    }

    private async Task AssertNotSoldOutAsync(string saleId, string when)
    {
        var line = await Admin.StatsLineAsync(saleId);
        Assert.True(line.Int("remaining") > 0, $"{when}: {line}");
        Assert.Null(line["soldOutAt"]);
        Assert.Null(line["timeToSellOutSeconds"]);
    }
}
