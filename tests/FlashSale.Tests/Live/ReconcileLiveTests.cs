using System.Net;
using FlashSale.Tests.Admin;
using FlashSale.Tests.Infrastructure;

namespace FlashSale.Tests.Live;

/// <summary>
/// A reconciliation that repairs a sale's stock tells the sale's viewers at once, as a purchase does. The embedded
/// ledger did not: viewers kept the wrong stock until the feed's next heartbeat read (15 s by default; a minute here).
/// </summary>
public sealed class ReconcileLiveTests() : AdminAppTest(new TestApp(realSocket: true, settings: new Dictionary<string, string?>
{
    ["Live:HeartbeatInterval"] = "00:01:00",
}))
{
    [Fact]
    public async Task ARepairedSale_ReachesItsViewersAtOnce()
    {
        var (sale, _, orders) = await Admin.SaleWithOrdersAsync(stock: 5, buyers: 2);
        await using var viewer = await SseClient.ConnectAsync(App.CreateClient(), sale);
        Assert.Equal(3, (await viewer.NextAsync()).Remaining);

        // An order lost from the record by hand: the ledger still counts it sold until reconciliation repairs it.
        App.DeleteOrderByHand(orders[0]);
        using (var reconciled = await Admin.PostEmptyAsync("/api/v1/admin/reconcile"))
        {
            await Api.EnsureAsync(reconciled, HttpStatusCode.OK);
        }

        var (repaired, _) = await viewer.UntilAsync(e => e.Name == "stock" && e.Remaining == 4, TimeSpan.FromSeconds(5));
        Assert.Equal(4, repaired.Remaining);
    }
}
