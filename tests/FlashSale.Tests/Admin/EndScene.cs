using System.Net;
using FlashSale.Tests.Infrastructure;

namespace FlashSale.Tests.Admin;

/// <summary>
/// G6 while an early end is being written: the record's write paused (<see cref="FaultySaleStore.BeforeEnd"/>), a
/// purchase then must already be refused as ended, and once the write is let go the end succeeds with no order sold.
/// </summary>
public static class EndScene
{
    public static async Task PurchasesWhileTheEndIsWritten_AreRefusedAsync(Api admin, FaultySaleStore store, string sale)
    {
        var buyer = admin.WithToken((await admin.MintBuyersAsync(1))[0].Token);
        var writing = new Pause();
        store.BeforeEnd = writing.HoldAsync;

        var end = admin.PostEmptyAsync($"/api/v1/admin/sales/{sale}/end");
        await writing.Reached;
        using (var during = await buyer.PurchaseAsync(sale))
        {
            Assert.Equal(HttpStatusCode.Conflict, during.StatusCode);
            Assert.Equal("sale_ended", await Api.ReasonAsync(during));
        }

        writing.Release();
        using var ended = await end;
        Assert.Equal(HttpStatusCode.OK, ended.StatusCode);
        Assert.Empty(await admin.AllOrdersAsync(sale));
    }
}
