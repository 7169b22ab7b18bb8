using System.Net;
using FlashSale.Storage.Redis;
using FlashSale.Tests.Admin;
using FlashSale.Tests.Infrastructure;

namespace FlashSale.Tests.Distributed;

/// <summary>
/// G6 when an admin ends a sale while its lost Redis state is being rebuilt from the record, which still has the old
/// end: the end closes the ledger before the record's write, as always, and a rebuild in between must not open the sale
/// past it. Once by another instance (B) that holds the rebuild lock while the ending one (A) waits for it; once by the
/// ending instance itself, between its rebuild and its applying the end. Until 2026-12-06 the rebuild wrote the record's
/// end and purchases were confirmed after the end the admin was answered with (one at X+325 ms in the audit's run),
/// until A next looked (every 50 ms). Each instance freezes at one request on its way to Redis, so the purchase lands in
/// that gap on every run.
/// </summary>
public sealed class EndDuringRebuildTests : ProxiedInstances
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task APurchaseBetweenTheRebuildAndTheEndsStep_IsRefusedAsEnded(bool rebuiltElsewhere)
    {
        var sale = (await AdminA.CreateSaleAsync(stock: 10, perUserLimit: 10)).Id();
        var saleId = Guid.Parse(sale);
        var buyer = AdminB.WithToken((await AdminB.MintBuyersAsync(1))[0].Token);
        await RedisState.LoseAsync(Storage, saleId);
        var endPath = $"/api/v1/admin/sales/{sale}/end";

        Task<HttpResponseMessage> end;
        HttpResponseMessage bought;
        if (rebuiltElsewhere)
        {
            // B: a purchase finds no state and rebuilds it from the record (the old end), held as it writes it.
            var rebuilding = ProxyB.StallAtAsync(Wire.Bulk(RedisKeys.Cancelled(saleId).ToString()));
            var buy = buyer.PurchaseAsync(sale);
            await rebuilding;

            // A: the end takes its instant, finds no state, and waits for B's rebuild: held at its first look for it.
            var waiting = ProxyA.StallAtAsync(Wire.Bulk("EXISTS", RedisKeys.Meta(saleId).ToString()));
            end = AdminA.PostEmptyAsync(endPath);
            await waiting;

            // B writes the state and decides the purchase; A has not looked again yet.
            ProxyB.Resume();
            bought = await buy;
        }
        else
        {
            // A: the end finds no state and rebuilds it itself: held once the rebuild is written, before the end's step.
            var rebuilt = ProxyA.StallAtAsync(Wire.Bulk(Registry.ToString(), sale));
            end = AdminA.PostEmptyAsync(endPath);
            await rebuilt;
            bought = await buyer.PurchaseAsync(sale);
        }

        ProxyA.Resume();
        using var ended = await end;
        await Api.EnsureAsync(ended, HttpStatusCode.OK);
        var endsAt = DateTimeOffset.Parse((await ended.ReadJsonAsync())["endsAt"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
        using (bought)
        {
            Assert.Equal(HttpStatusCode.Conflict, bought.StatusCode);
            Assert.Equal("sale_ended", await Api.ReasonAsync(bought));
        }

        var orders = await AdminA.AllOrdersAsync(sale);
        Assert.DoesNotContain(orders, o => o["purchasedAt"]!.GetValue<DateTimeOffset>() >= endsAt);
        Assert.Empty(orders);
    }
}
