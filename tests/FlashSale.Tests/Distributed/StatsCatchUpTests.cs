using System.Net;
using FlashSale.Tests.Admin;
using FlashSale.Tests.Infrastructure;

namespace FlashSale.Tests.Distributed;

/// <summary>
/// The persister folds the stats changes its batches leave pending (migration 0003) once the load stops,
/// and folding changes no figure: the stats read the same before and after.
/// </summary>
public sealed class StatsCatchUpTests() : AdminAppTest(new TestApp(kind: StorageKind.Redis))
{
    [Fact]
    public async Task AfterPurchases_ThePersisterFoldsThePendingStats_AndTheFiguresStay()
    {
        var sale = (await Admin.CreateSaleAsync(stock: 100, perUserLimit: 3, price: 7.5m)).Id();
        var buyers = await Admin.MintBuyersAsync(12);
        foreach (var buyer in buyers)
        {
            using var response = await Admin.WithToken(buyer.Token).PurchaseAsync(sale, 2);
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        }

        var stats = await Admin.GetJsonAsync("/api/v1/admin/stats");
        var totals = stats["totals"]!;
        Assert.Equal(24, totals["units"]!.GetValue<long>());
        // One currency, one amount (revenue is per currency since 2026-12-06).
        var revenue = Assert.Single(totals["revenue"]!.AsArray())!;
        Assert.Equal(180m, revenue["amount"]!.GetValue<decimal>());
        Assert.Equal(12, totals["uniqueBuyers"]!.GetValue<long>());

        Assert.Equal(0, await App.Storage.StatsPendingAfterCatchUpAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal(24, await App.Storage.ScalarAsync($"SELECT units FROM sale_totals WHERE sale_id = '{sale}'"));
        Assert.Equal(12, await App.Storage.ScalarAsync("SELECT unique_buyers FROM stats_counters"));
        Assert.Equal(totals.ToJsonString(), (await Admin.GetJsonAsync("/api/v1/admin/stats"))["totals"]!.ToJsonString());
    }
}
