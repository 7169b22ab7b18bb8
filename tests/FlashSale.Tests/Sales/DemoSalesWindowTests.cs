using FlashSale.Sales;
using FlashSale.Tests.Infrastructure;

namespace FlashSale.Tests.Sales;

/// <summary>
/// G6 at a demo sale's end: the demo sales are seeded at a time with the record's precision (milliseconds), so the
/// ledger closes each at the millisecond its record ends. Seeded at a finer instant, the ledger sold on in the last
/// millisecond, and those orders were stored at the recorded end itself, outside [startsAt, endsAt).
/// </summary>
public sealed class DemoSalesWindowTests : AdminAppTest
{
    private readonly ManualClock _clock;

    public DemoSalesWindowTests() : this(new ManualClock(SaleTime.Truncate(DateTimeOffset.UtcNow).AddTicks(9_000)))
    {
    }

    private DemoSalesWindowTests(ManualClock clock)
        : base(new TestApp(clock: clock, settings: new Dictionary<string, string?> { ["Storage:SeedDemoData"] = "true" })) =>
        _clock = clock;

    [Fact]
    public async Task ADemoSale_IsClosedFromTheMillisecondItsRecordEnds()
    {
        var sales = (await Admin.GetJsonAsync("/api/v1/sales"))["items"]!.AsArray().Select(s => s!.AsObject());
        var airPods = sales.Single(s => s["sku"]!.GetValue<string>() == "AIRPODS-PRO");
        var endsAt = airPods["endsAt"]!.GetValue<DateTimeOffset>();
        var buyer = Admin.WithToken((await Admin.MintBuyersAsync(1))[0].Token);

        _clock.Set(endsAt.AddTicks(4_000)); // in the millisecond the record ends at
        using var late = await buyer.PurchaseAsync(airPods["id"]!.GetValue<string>());

        Assert.Equal("sale_ended", await Api.ReasonAsync(late));
    }
}
