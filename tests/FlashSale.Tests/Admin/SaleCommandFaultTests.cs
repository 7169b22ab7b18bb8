using System.Net;
using FlashSale.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace FlashSale.Tests.Admin;

/// <summary>
/// Admin commands against a record that is slow or fails (the real SQLite store behind a fault-injecting wrapper):
/// ending a sale closes it to purchases before the record's write, not after it (G6: no order after the recorded
/// end); a delete the record cannot carry out leaves the sale trading, not refusing every purchase as unknown; and
/// admin changes do not interleave (a reconciliation paused after listing the sales holds a delete back).
/// </summary>
public sealed class SaleCommandFaultTests() : AdminAppTest(FaultySaleStore.App())
{
    private FaultySaleStore Store => App.Services.GetRequiredService<FaultySaleStore>();

    [Fact]
    public async Task WhileTheRecordWritesAnEarlyEnd_PurchasesAreAlreadyRefused() =>
        await EndScene.PurchasesWhileTheEndIsWritten_AreRefusedAsync(Admin, Store, (await Admin.CreateSaleAsync(stock: 100, perUserLimit: 10)).Id());

    [Fact]
    public async Task ADeleteTheRecordCannotCarryOut_LeavesTheSaleTrading()
    {
        var sale = (await Admin.CreateSaleAsync(stock: 100, perUserLimit: 10)).Id();
        var buyer = Admin.WithToken((await Admin.MintBuyersAsync(1))[0].Token);
        Store.FailDelete = new SqliteException("database or disk is full", 13);

        using (var refused = await Admin.SendAsync(HttpMethod.Delete, $"/api/v1/admin/sales/{sale}"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        }

        using var bought = await buyer.PurchaseAsync(sale);
        Assert.Equal(HttpStatusCode.Created, bought.StatusCode);
    }

    [Fact]
    public async Task ADeleteDuringAReconciliation_WaitsForIt_AndTheSaleStaysDeleted()
    {
        var sale = (await Admin.CreateSaleAsync(stock: 100, perUserLimit: 10)).Id();
        var buyer = Admin.WithToken((await Admin.MintBuyersAsync(1))[0].Token);
        var listed = new Pause();
        Store.AfterList = listed.HoldAsync;

        // The reconciliation has listed the sales (this one among them) when the delete comes.
        var reconcile = Admin.PostEmptyAsync("/api/v1/admin/reconcile");
        await listed.Reached;
        var delete = Admin.SendAsync(HttpMethod.Delete, $"/api/v1/admin/sales/{sale}");
        await Task.Delay(300);
        listed.Release();
        using (var reconciled = await reconcile)
        {
            Assert.Equal(HttpStatusCode.OK, reconciled.StatusCode);
        }

        using (var deleted = await delete)
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        // Interleaved, the reconciliation re-created the deleted sale's book, and the sale sold again (201).
        using var bought = await buyer.PurchaseAsync(sale);
        Assert.Equal(HttpStatusCode.NotFound, bought.StatusCode);
    }

    [Fact]
    public async Task AStockCutWrittenAsTheSaleOpens_NeverLeavesMoreSoldThanTheNewTotal()
    {
        var startsAt = DateTimeOffset.UtcNow.AddSeconds(2);
        var sale = (await Admin.CreateSaleAsync(stock: 10, perUserLimit: 10, startsAt: startsAt)).Id();
        var buyer = Admin.WithToken((await Admin.MintBuyersAsync(1))[0].Token);
        var written = new Pause();
        Store.AfterUpdate = written.HoldAsync;

        // The record takes the cut while the sale is still upcoming; the sale opens before the ledger has the new terms.
        var cut = Admin.PatchJsonAsync($"/api/v1/admin/sales/{sale}", """{"totalStock":5}""");
        await written.Reached;
        await Task.Delay(startsAt - DateTimeOffset.UtcNow + TimeSpan.FromMilliseconds(200));
        for (var i = 0; i < 8; i++)
        {
            using var meanwhile = await buyer.PurchaseAsync(sale);
            Assert.NotEqual(HttpStatusCode.Created, meanwhile.StatusCode);
        }

        written.Release();
        using (var done = await cut)
        {
            Assert.Equal(HttpStatusCode.OK, done.StatusCode);
        }

        for (var i = 0; i < 8; i++)
        {
            using var after = await buyer.PurchaseAsync(sale);
        }

        // G1 against the new total: 5 sold, not the 8 the old terms let through before the ledger learned the cut.
        Assert.Equal(5, (await Admin.AllOrdersAsync(sale)).Count);
        Assert.Equal(0, (await Admin.StockAsync(sale)).Int("remainingStock"));
    }
}
