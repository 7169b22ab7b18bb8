using System.Globalization;
using System.Net;
using FlashSale.Tests.Infrastructure;

namespace FlashSale.Tests.Storage;

/// <summary>
/// Storage:MinFreeBytes: with less free space than that in the data folder, purchases are refused (503 + Retry-After)
/// before they are decided, so nothing is reserved that may not be written, and readiness turns unready. No disk
/// has long.MaxValue bytes free, so this data folder is always short of space.
/// </summary>
public sealed class LowDiskSpaceTests() : AdminAppTest(new TestApp(settings: new Dictionary<string, string?>
{
    ["Storage:MinFreeBytes"] = long.MaxValue.ToString(CultureInfo.InvariantCulture),
}))
{
    [Fact]
    public async Task ShortOfSpace_PurchasesGet503BeforeDeciding_AndReadinessIsUnready()
    {
        var sale = (await Admin.CreateSaleAsync(stock: 5))["id"]!.GetValue<string>();
        var buyer = Admin.WithToken((await Admin.MintBuyersAsync(1))[0].Token);

        using var refused = await buyer.PurchaseAsync(sale, 1, "k-1");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Equal("unavailable", await Api.ReasonAsync(refused));
        // Refused before deciding: it says so, and a client (the drill) knows no retry with the same key is needed.
        Assert.Contains("nothing was bought", await Api.DetailAsync(refused), StringComparison.Ordinal);
        Assert.NotNull(refused.Headers.RetryAfter);
        Assert.Equal(5, (await Admin.StockAsync(sale))["remainingStock"]!.GetValue<int>());
        Assert.Empty(await Admin.AllOrdersAsync(sale));

        using var ready = await App.CreateClient().GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.NotNull(ready.Headers.RetryAfter);
    }
}
