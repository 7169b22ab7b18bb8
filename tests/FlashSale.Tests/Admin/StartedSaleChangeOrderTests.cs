using System.Net;
using FlashSale.Storage.Postgres;
using FlashSale.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace FlashSale.Tests.Admin;

public sealed class StartedSaleChangeOrderOnEmbedded() : StartedSaleChangeOrderTests(FaultySaleStore.App(), new SqliteException("disk I/O error", 10));

/// <summary>The Redis ledger's strict step and PostgreSQL's guarded write, the record paused or failing as on SQLite.</summary>
public sealed class StartedSaleChangeOrderOnRedis() : StartedSaleChangeOrderTests(
    new TestApp(kind: StorageKind.Redis, services: FaultySaleStore.Wrap<PostgresSaleStore>),
    new TimeoutException("injected: the record did not answer"))
{
    /// <summary>
    /// A cut the ledger has taken and the record not yet, when the sale's Redis state is lost in between: the rebuild from
    /// the record (its stock of 10) takes the cut's stock from the cap the cut left, as it takes an early end's end. Until
    /// 2026-12-07 it sold the record's stock through the write, and the cut's last step then left 0 in stock with more
    /// sold than the new stock: the ledger and the record apart, and buyers answered for orders the record refused.
    /// </summary>
    [Fact]
    public async Task ACutWhoseStateIsLostBeforeTheRecordHasIt_IsNotSoldPastByTheRebuild()
    {
        var sale = (await Admin.CreateSaleAsync(stock: 10)).Id();
        var buyers = await Admin.MintBuyersAsync(6);
        await Admin.WithToken(buyers[0].Token).BoughtAsync(sale);
        await Admin.WithToken(buyers[1].Token).BoughtAsync(sale);
        var meanwhile = new List<string?>();
        Store.BeforeStockChange = async () =>
        {
            await RedisState.LoseAsync(App.Storage, Guid.Parse(sale));
            meanwhile.AddRange(await BuyEachAsync(sale, buyers.Skip(2)));
        };

        using (var cut = await Admin.PatchJsonAsync($"/api/v1/admin/sales/{sale}", """{"totalStock":3}"""))
        {
            await Api.EnsureAsync(cut, HttpStatusCode.OK);
        }

        Assert.Equal(["bought", "sold_out", "sold_out", "sold_out"], meanwhile);
        var stock = await Admin.StockAsync(sale);
        Assert.Equal((3, 0, 3), (stock.Int("totalStock"), stock.Int("remainingStock"), stock.Int("sold")));
        var check = await Admin.ReconcileLineAsync(sale);
        Assert.Equal((3, 3, 0), (check.Int("recordSold"), check.Int("ledgerSold"), check.Int("drift")));
    }
}

/// <summary>
/// A started sale's stock change reaches the ledger and the record in the order that never sells what the record does
/// not allow: while the record writes, the ledger holds the tighter of the old and new stock (a cut already, a raise not
/// yet), and keeps selling. A write that fails leaves the ledger with what the record holds.
/// </summary>
public abstract class StartedSaleChangeOrderTests(TestApp app, Exception storeFailure) : AdminAppTest(app)
{
    protected FaultySaleStore Store => App.Services.GetRequiredService<FaultySaleStore>();

    /// <summary>One unit for each buyer in turn: "bought", or the refusal's reason.</summary>
    protected async Task<List<string?>> BuyEachAsync(string sale, IEnumerable<(string UserId, string Token)> buyers)
    {
        var answers = new List<string?>();
        foreach (var buyer in buyers)
        {
            using var bought = await Admin.WithToken(buyer.Token).PurchaseAsync(sale);
            answers.Add(bought.IsSuccessStatusCode ? "bought" : await Api.ReasonAsync(bought));
        }

        return answers;
    }

    [Theory]
    [InlineData(2, 5)] // a raise: the third unit is not sold before the record has it
    [InlineData(5, 2)] // a cut: nor after the ledger has taken it, while the record writes
    public async Task WhileTheRecordWrites_TheLedgerSellsTheSmallerStock_AndKeepsSelling(int before, int after)
    {
        var sale = (await Admin.CreateSaleAsync(stock: before)).Id();
        var buyers = await Admin.MintBuyersAsync(4);
        await Admin.WithToken(buyers[0].Token).BoughtAsync(sale);
        var meanwhile = new List<string?>();
        Store.BeforeStockChange = async () => meanwhile.AddRange(await BuyEachAsync(sale, buyers.Skip(1)));

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
        Store.FailAfterStockChange = storeFailure;

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
        Store.BeforeStockChange = () => Task.FromException(storeFailure);

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
