using System.Net;
using FlashSale.Tests.Infrastructure;

namespace FlashSale.Tests.Admin;

/// <summary>Cancelling an order: stock returns once, the buyer may buy again, the order keeps its history.</summary>
public sealed class CancelOrderTests() : AdminAppTest(new TestApp(realSocket: true))
{
    [Fact]
    public async Task Cancel_ReturnsStock_KeepsHistory_AndTheBuyerMayBuyAgain()
    {
        var (saleId, buyers, orderIds) = await Admin.SaleWithOrdersAsync(stock: 2, buyers: 2);
        var first = Admin.WithToken(buyers[0].Token);
        using (var soldOut = await Admin.WithToken((await Admin.MintBuyersAsync(1))[0].Token).PurchaseAsync(saleId))
        {
            Assert.Equal("sold_out", await Api.ReasonAsync(soldOut));
        }

        using var cancelled = await Admin.PostEmptyAsync($"/api/v1/admin/orders/{orderIds[0]}/cancel");

        await Api.EnsureAsync(cancelled, HttpStatusCode.OK);
        var order = await cancelled.ReadJsonAsync();
        Assert.Equal("cancelled", order["status"]!.GetValue<string>());
        Assert.Equal("admin", order["cancelledBy"]!.GetValue<string>());
        Assert.NotNull(order["cancelledAt"]!.GetValue<DateTimeOffset?>());
        var stock = await Admin.StockAsync(saleId);
        Assert.Equal(1, stock.Int("remainingStock"));
        Assert.Equal(2, stock.Int("sold") + stock.Int("remainingStock"));

        using var again = await first.PurchaseAsync(saleId);
        Assert.Equal(HttpStatusCode.Created, again.StatusCode);
        var orders = await Admin.AllOrdersAsync(saleId);
        Assert.Equal(3, orders.Count);   // the cancelled order stays, with its history
        Assert.Single(orders, o => o["status"]!.GetValue<string>() == "cancelled" && o["orderId"]!.GetValue<string>() == orderIds[0]);
        var mine = await first.GetJsonAsync($"/api/v1/sales/{saleId}/purchases/me");
        Assert.Equal(1, mine.Int("quantity"));
    }

    [Fact]
    public async Task CancelTwice_IsIdempotent_AndReturnsStockOnce()
    {
        var (saleId, _, orderIds) = await Admin.SaleWithOrdersAsync(stock: 3, buyers: 2);

        using var once = await Admin.PostEmptyAsync($"/api/v1/admin/orders/{orderIds[0]}/cancel");
        using var twice = await Admin.PostEmptyAsync($"/api/v1/admin/orders/{orderIds[0]}/cancel");

        Assert.Equal(HttpStatusCode.OK, once.StatusCode);
        Assert.Equal(HttpStatusCode.OK, twice.StatusCode);
        Assert.Equal((await once.ReadJsonAsync())["cancelledAt"]!.ToJsonString(), (await twice.ReadJsonAsync())["cancelledAt"]!.ToJsonString());
        var stock = await Admin.StockAsync(saleId);
        Assert.Equal(2, stock.Int("remainingStock"));
        Assert.Equal(1, stock.Int("sold"));
    }

    [Fact]
    public async Task ParallelCancels_OfTheSameOrders_ReturnEachUnitOnce()
    {
        var (saleId, _, orderIds) = await Admin.SaleWithOrdersAsync(stock: 10, buyers: 4);

        using var start = new SemaphoreSlim(0);
        var cancels = orderIds.Take(3).SelectMany(id => Enumerable.Range(0, 8).Select(async _ =>
        {
            await start.WaitAsync();
            using var response = await Admin.PostEmptyAsync($"/api/v1/admin/orders/{id}/cancel");
            return response.StatusCode;
        })).ToList();
        start.Release(cancels.Count);
        var results = await Task.WhenAll(cancels);

        Assert.All(results, s => Assert.Equal(HttpStatusCode.OK, s));
        var stock = await Admin.StockAsync(saleId);
        Assert.Equal(1, stock.Int("sold"));
        Assert.Equal(9, stock.Int("remainingStock"));
        var reconcile = await (await Admin.PostEmptyAsync("/api/v1/admin/reconcile")).ReadJsonAsync();
        Assert.Equal(0, reconcile.Int("drifted"));
    }

    [Fact]
    public async Task CancelUnknownOrder_Is404()
    {
        using var unknown = await Admin.PostEmptyAsync($"/api/v1/admin/orders/{Guid.NewGuid()}/cancel");
        using var malformed = await Admin.PostEmptyAsync("/api/v1/admin/orders/nope/cancel");

        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("order_not_found", await Api.ReasonAsync(unknown));
        Assert.Equal("order_not_found", await Api.ReasonAsync(malformed));
    }
}
