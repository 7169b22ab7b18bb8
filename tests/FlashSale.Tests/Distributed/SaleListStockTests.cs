using System.Net;
using FlashSale.Tests.Infrastructure;

namespace FlashSale.Tests.Distributed;

/// <summary>
/// Lists of sales read every sale's stock together (<c>RedisLedger.GetStocksAsync</c>): the numbers are each sale's
/// own, in the list's order, including a sale whose Redis state was lost (rebuilt from the record on the way) and
/// through the public list, the admin list and the shop's front page.
/// </summary>
public sealed class SaleListStockTests() : AdminAppTest(new TestApp(kind: StorageKind.Redis, settings: new Dictionary<string, string?>
    {
        ["RateLimiting:Enabled"] = "false",
    }))
{
    [Fact]
    public async Task EverySaleInTheList_ShowsItsOwnStock_EvenOneWhoseRedisStateWasLost()
    {
        var buyers = await Admin.MintBuyersAsync(6);
        var sold = new[] { 3, 0, 2, 1 };
        var ids = new List<string>();
        for (var s = 0; s < sold.Length; s++)
        {
            var id = (await Admin.CreateSaleAsync(stock: 10 + s, perUserLimit: 5))["id"]!.GetValue<string>();
            ids.Add(id);
            for (var i = 0; i < sold[s]; i++)
            {
                using var bought = await Admin.WithToken(buyers[i].Token).PurchaseAsync(id);
                await Api.EnsureAsync(bought, HttpStatusCode.Created);
            }
        }

        await RedisState.LoseAsync(App.Storage, Guid.Parse(ids[2]));

        foreach (var path in new[] { "/api/v1/sales", "/api/v1/admin/sales" })
        {
            var items = (await Admin.GetJsonAsync(path))["items"]!.AsArray().ToDictionary(s => s!["id"]!.GetValue<string>());
            for (var s = 0; s < sold.Length; s++)
            {
                var sale = items[ids[s]]!;
                Assert.Equal(10 + s, sale["totalStock"]!.GetValue<int>());
                Assert.Equal(10 + s - sold[s], sale["remainingStock"]!.GetValue<int>());
                Assert.Equal(sold[s], sale["sold"]!.GetValue<int>());
            }
        }

        var front = await App.CreateClient().GetStringAsync("/");
        for (var s = 0; s < sold.Length; s++)
        {
            Assert.Contains($"id=\"bar-{ids[s]}\" max=\"{10 + s}\" value=\"{10 + s - sold[s]}\"", front, StringComparison.Ordinal);
        }
    }
}
