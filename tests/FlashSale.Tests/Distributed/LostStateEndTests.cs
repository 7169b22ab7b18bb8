using System.Net;
using FlashSale.Sales;
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
public sealed class LostStateEndTests() : AdminAppTest(new TestApp(kind: StorageKind.Redis, services: services =>
{
    services.AddSingleton<PostgresSaleStore>();
    services.AddSingleton(sp => new FaultySaleStore(sp.GetRequiredService<PostgresSaleStore>()));
    services.AddSingleton<ISaleStore>(sp => sp.GetRequiredService<FaultySaleStore>());
}))
{
    [Fact]
    public async Task EndingASaleWhoseStateWasLost_ClosesItBeforeTheRecordsWrite()
    {
        var sale = (await Admin.CreateSaleAsync(stock: 100, perUserLimit: 10)).Id();
        var buyer = Admin.WithToken((await Admin.MintBuyersAsync(1))[0].Token);
        await RedisState.LoseAsync(App.Storage, Guid.Parse(sale));
        var writing = new Pause();
        App.Services.GetRequiredService<FaultySaleStore>().BeforeEnd = writing.HoldAsync;

        var end = Admin.PostEmptyAsync($"/api/v1/admin/sales/{sale}/end");
        await writing.Reached;
        using (var during = await buyer.PurchaseAsync(sale))
        {
            Assert.Equal(HttpStatusCode.Conflict, during.StatusCode);
            Assert.Equal("sale_ended", await Api.ReasonAsync(during));
        }

        writing.Release();
        using var ended = await end;
        Assert.Equal(HttpStatusCode.OK, ended.StatusCode);
        Assert.Empty(await Admin.AllOrdersAsync(sale));
    }
}
