using System.Net;
using FlashSale.Sales;
using FlashSale.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace FlashSale.Tests.Admin;

/// <summary>
/// G6 at the edge of an early end: the record keeps times to the millisecond, so the ledger closes the sale at the same
/// millisecond the record stores, not at the finer instant the end was asked. Closed at the finer instant, a purchase
/// timed earlier in that millisecond passed the ledger and was stored at the recorded end itself, outside
/// [startsAt, endsAt).
/// </summary>
public sealed class EarlyEndPrecisionTests : AdminAppTest
{
    private readonly ManualClock _clock;

    public EarlyEndPrecisionTests() : this(new ManualClock(DateTimeOffset.UtcNow))
    {
    }

    private EarlyEndPrecisionTests(ManualClock clock) : base(FaultySaleStore.App(clock)) => _clock = clock;

    private FaultySaleStore Store => App.Services.GetRequiredService<FaultySaleStore>();

    [Fact]
    public async Task APurchaseTimedInTheMillisecondOfAnEarlyEnd_IsRefused_NotStoredAtTheEnd()
    {
        var sale = (await Admin.CreateSaleAsync(stock: 100, perUserLimit: 10)).Id();
        var buyer = Admin.WithToken((await Admin.MintBuyersAsync(1))[0].Token);
        var millisecond = SaleTime.Truncate(_clock.GetUtcNow()).AddSeconds(1);
        var writing = new Pause();
        Store.BeforeEnd = writing.HoldAsync;

        _clock.Set(millisecond.AddTicks(9_000)); // 0.9 ms into it
        var end = Admin.PostEmptyAsync($"/api/v1/admin/sales/{sale}/end");
        await writing.Reached;
        // A purchase that read the clock earlier in the same millisecond, decided once the ledger has closed the sale.
        _clock.Set(millisecond.AddTicks(4_000));
        using var timedBefore = await buyer.PurchaseAsync(sale);
        writing.Release();
        using var ended = await end;

        Assert.Equal(HttpStatusCode.OK, ended.StatusCode);
        var endsAt = (await ended.ReadJsonAsync())["endsAt"]!.GetValue<DateTimeOffset>();
        Assert.Equal(millisecond, endsAt);
        Assert.Equal("sale_ended", await Api.ReasonAsync(timedBefore));
        Assert.All(await Admin.AllOrdersAsync(sale), order => Assert.True(order["purchasedAt"]!.GetValue<DateTimeOffset>() < endsAt));
    }
}
