using System.Net;
using FlashSale.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace FlashSale.Tests.Admin;

/// <summary>
/// A started sale's stock change reaches the ledger and the record in the order that never sells what the record does
/// not allow: while the record writes, the ledger holds the tighter of the old and new stock (a cut already, a raise not
/// yet), and keeps selling. A write that fails leaves the ledger with what the record holds.
/// </summary>
public sealed class StartedSaleChangeOrderTests() : AdminAppTest(FaultySaleStore.App())
{
    private FaultySaleStore Store => App.Services.GetRequiredService<FaultySaleStore>();

    [Theory]
    [InlineData(2, 5)] // a raise: the third unit is not sold before the record has it
    [InlineData(5, 2)] // a cut: nor after the ledger has taken it, while the record writes
    public async Task WhileTheRecordWrites_TheLedgerSellsTheSmallerStock_AndKeepsSelling(int before, int after)
    {
        var sale = (await Admin.CreateSaleAsync(stock: before)).Id();
        var buyers = await Admin.MintBuyersAsync(4);
        await Admin.WithToken(buyers[0].Token).BoughtAsync(sale);
        var meanwhile = new List<string?>();
        Store.BeforeStockChange = async () =>
        {
            foreach (var buyer in buyers.Skip(1))
            {
                using var bought = await Admin.WithToken(buyer.Token).PurchaseAsync(sale);
                meanwhile.Add(bought.IsSuccessStatusCode ? "bought" : await Api.ReasonAsync(bought));
            }
        };

        using (var changed = await Admin.PatchJsonAsync($"/api/v1/admin/sales/{sale}", $$"""{"totalStock":{{after}}}"""))
        {
            await Api.EnsureAsync(changed, HttpStatusCode.OK);
        }

        Assert.Equal(["bought", "sold_out", "sold_out"], meanwhile);
        var stock = await Admin.StockAsync(sale);
        Assert.Equal((after, 2), (stock.Int("totalStock"), stock.Int("sold")));
    }

    [Fact]
    public async Task ARaiseTheRecordCommittedBeforeItsWriteFailed_Sells()
    {
        var sale = (await Admin.CreateSaleAsync(stock: 1)).Id();
        var buyers = await Admin.MintBuyersAsync(2);
        await Admin.WithToken(buyers[0].Token).BoughtAsync(sale);
        Store.FailAfterStockChange = new SqliteException("disk I/O error", 10);

        using (var failed = await Admin.PatchJsonAsync($"/api/v1/admin/sales/{sale}", """{"totalStock":2}"""))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, failed.StatusCode);
            Assert.Equal(FlashSale.Common.ApiDocs.SaleChangeUnfinished, await Api.DetailAsync(failed));
        }

        // The record has the new stock, so the ledger does: the unit it added sells.
        await Admin.WithToken(buyers[1].Token).BoughtAsync(sale);
        Assert.Equal((2, 0), ((await Admin.StockAsync(sale)).Int("totalStock"), (await Admin.StockAsync(sale)).Int("remainingStock")));
    }

    [Fact]
    public async Task ACutWhoseWriteFailed_LeavesTheRecordsStock_AndTheSaleSelling()
    {
        var sale = (await Admin.CreateSaleAsync(stock: 3)).Id();
        var buyers = await Admin.MintBuyersAsync(3);
        Store.BeforeStockChange = () => Task.FromException(new SqliteException("disk I/O error", 10));

        using (var failed = await Admin.PatchJsonAsync($"/api/v1/admin/sales/{sale}", """{"totalStock":1}"""))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, failed.StatusCode);
        }

        // Not written: the record's stock of 3 stands, in the ledger too (not the cut it took first, and not shut).
        foreach (var buyer in buyers)
        {
            await Admin.WithToken(buyer.Token).BoughtAsync(sale);
        }

        Assert.Equal(3, (await Admin.StockAsync(sale)).Int("totalStock"));
    }
}
