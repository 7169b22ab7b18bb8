using System.Net;
using FlashSale.Storage.Postgres;
using FlashSale.Tests.Admin;
using FlashSale.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace FlashSale.Tests.Distributed;

/// <summary>
/// G6 when an admin ends a sale whose Redis state was lost: the ledger must be closed before the record's write, as
/// always. The ledger rebuilt the lost state from the record (the old end) and ignored the end it was given, so the
/// sale sold through the write. The real PostgreSQL store, paused before its write.
/// </summary>
public sealed class LostStateEndTests() : AdminAppTest(new TestApp(kind: StorageKind.Redis, services: FaultySaleStore.Wrap<PostgresSaleStore>))
{
    [Fact]
    public async Task EndingASaleWhoseStateWasLost_ClosesItBeforeTheRecordsWrite()
    {
        var sale = (await Admin.CreateSaleAsync(stock: 100, perUserLimit: 10)).Id();
        await RedisState.LoseAsync(App.Storage, Guid.Parse(sale));

        await EndScene.PurchasesWhileTheEndIsWritten_AreRefusedAsync(Admin, App.Services.GetRequiredService<FaultySaleStore>(), sale);
    }

    /// <summary>
    /// The end's ledger step leaves its end for rebuilds (<c>:endcap</c>); when the record's write then fails, the sale
    /// as the record holds it goes back, and with it the record's end: a later rebuild must open the sale again, not
    /// close it at the end the record never took.
    /// </summary>
    [Fact]
    public async Task AnEndWhoseWriteFailed_LeavesNoEndForALaterRebuild()
    {
        var sale = (await Admin.CreateSaleAsync(stock: 100, perUserLimit: 10)).Id();
        var saleId = Guid.Parse(sale);
        var buyer = Admin.WithToken((await Admin.MintBuyersAsync(1))[0].Token);
        var store = App.Services.GetRequiredService<FaultySaleStore>();
        await RedisState.LoseAsync(App.Storage, saleId);
        store.BeforeEnd = () => Task.FromException(new TimeoutException("injected: the write never reached the record"));

        using (var failed = await Admin.PostEmptyAsync($"/api/v1/admin/sales/{sale}/end"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, failed.StatusCode);
        }

        store.BeforeEnd = null;
        await RedisState.LoseAsync(App.Storage, saleId);
        using var bought = await buyer.PurchaseAsync(sale);
        Assert.Equal(HttpStatusCode.Created, bought.StatusCode);
    }
}
