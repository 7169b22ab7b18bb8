using System.Net;
using FlashSale.Tests.Admin;
using FlashSale.Tests.Infrastructure;

namespace FlashSale.Tests.Conformance;

public sealed class HeldQuantityOnEmbedded() : HeldQuantityConformance(StorageKind.Embedded);

public sealed class HeldQuantityOnRedis() : HeldQuantityConformance(StorageKind.Redis);

public sealed class HeldQuantityOnRedisCluster() : HeldQuantityConformance(StorageKind.RedisCluster);

/// <summary>
/// <c>GET /api/v1/sales/{id}/purchases/me</c>'s <c>quantity</c> is what the ledger holds against the buyer's limit, the
/// count the next purchase is judged by (a <c>limit_reached</c>'s <c>held</c>), not a sum of the record's orders;
/// <c>orders</c> stays the record's list. Shown by a record that lost an order row by hand: until reconciliation the
/// ledger still holds its unit, and so does <c>quantity</c> (until 2026-12-06 it counted the record's confirmed orders,
/// so a buyer shown room for more was refused).
/// </summary>
public abstract class HeldQuantityConformance(StorageKind kind) : AdminAppTest(new TestApp(kind: kind))
{
    [Fact]
    public async Task Quantity_IsTheLedgersHolding_TheHeldALimitRefusalReports_AndOrdersTheRecords()
    {
        var saleId = (await Admin.CreateSaleAsync(stock: 10, perUserLimit: 3)).Id();
        var buyer = Admin.WithToken((await Admin.MintBuyersAsync(1))[0].Token);
        var first = await buyer.BoughtAsync(saleId);
        await buyer.BoughtAsync(saleId);
        var mine = $"/api/v1/sales/{saleId}/purchases/me";
        Assert.Equal((2, 3, 2), Read(await buyer.GetJsonAsync(mine)));

        App.DeleteOrderByHand(first);

        // The record lists one order; the ledger holds two units, and judges the next purchase by them.
        Assert.Equal((2, 3, 1), Read(await buyer.GetJsonAsync(mine)));
        var refused = await Api.ExpectProblemAsync(buyer.PurchaseAsync(saleId, quantity: 2), HttpStatusCode.Conflict, "limit_reached");
        Assert.Equal(2, refused.Int("held"));

        // Repaired from the record: one unit held, and room for two more.
        using (var reconciled = await Admin.PostEmptyAsync("/api/v1/admin/reconcile"))
        {
            await Api.EnsureAsync(reconciled, HttpStatusCode.OK);
        }

        Assert.Equal((1, 3, 1), Read(await buyer.GetJsonAsync(mine)));
        await buyer.BoughtAsync(saleId, quantity: 2);
        Assert.Equal((3, 3, 2), Read(await buyer.GetJsonAsync(mine)));
    }

    [Fact]
    public async Task ABuyerWithoutOrders_HoldsNothing_AndACancelledOrderIsNoLongerHeld()
    {
        var (saleId, buyers, orderIds) = await Admin.SaleWithOrdersAsync(stock: 5, buyers: 1);
        var stranger = Admin.WithToken((await Admin.MintBuyersAsync(1))[0].Token);
        var buyer = Admin.WithToken(buyers[0].Token);
        var mine = $"/api/v1/sales/{saleId}/purchases/me";

        Assert.Equal((0, 1, 0), Read(await stranger.GetJsonAsync(mine)));
        using (var cancelled = await Admin.PostEmptyAsync($"/api/v1/admin/orders/{orderIds[0]}/cancel"))
        {
            await Api.EnsureAsync(cancelled, HttpStatusCode.OK);
        }

        var after = await buyer.GetJsonAsync(mine);
        Assert.Equal((0, 1, 1), Read(after));
        Assert.Equal("cancelled", after["orders"]![0]!["status"]!.GetValue<string>());
    }

    private static (int Quantity, int Limit, int Orders) Read(System.Text.Json.Nodes.JsonObject mine) =>
        (mine.Int("quantity"), mine.Int("perUserLimit"), mine["orders"]!.AsArray().Count);
}
