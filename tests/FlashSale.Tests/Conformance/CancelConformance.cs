using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FlashSale.Purchasing;
using FlashSale.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace FlashSale.Tests.Conformance;

public sealed class CancelOnEmbedded() : CancelConformance(StorageKind.Embedded);

public sealed class CancelOnRedis() : CancelConformance(StorageKind.Redis);

public sealed class CancelOnRedisCluster() : CancelConformance(StorageKind.RedisCluster);

/// <summary>Cancelling returns the stock once, lets the buyer buy again, and is idempotent (G1, G2, G4).</summary>
public abstract class CancelConformance(StorageKind kind) : ConformanceTest(kind)
{
    private IPurchaseLedger Ledger => App.Services.GetRequiredService<IPurchaseLedger>();

    [Fact]
    public async Task Cancel_StockReturns_BuyerMayBuyAgain_RepeatedCancelReturnsNothing()
    {
        var saleId = (await Admin.CreateSaleAsync(stock: 1))["id"]!.GetValue<string>();
        var buyer = Admin.WithToken((await Admin.MintBuyersAsync(1))[0].Token);

        var first = await BuyAsync(buyer, saleId);
        Assert.Equal(0, await RemainingAsync(saleId));

        var cancelled = await Ledger.CancelAsync(first, "admin", CancellationToken.None);
        Assert.IsType<CancelOutcome.Cancelled>(cancelled);
        Assert.Equal(FlashSale.Orders.OrderStatus.Cancelled, ((CancelOutcome.Cancelled)cancelled).Order.Status);
        Assert.Equal(1, await RemainingAsync(saleId));

        await BuyAsync(buyer, saleId);
        Assert.Equal(0, await RemainingAsync(saleId));

        // Cancelling the first order again, even many times at once, returns nothing more.
        var again = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => Ledger.CancelAsync(first, "admin", CancellationToken.None)));
        Assert.All(again, a => Assert.IsType<CancelOutcome.Cancelled>(a));
        Assert.Equal(0, await RemainingAsync(saleId));

        var orders = await Admin.AllOrdersAsync(saleId);
        Assert.Equal(2, orders.Count);
        Assert.Single(orders, o => o["status"]!.GetValue<string>() == "confirmed");
    }

    [Fact]
    public async Task ParallelCancelsOfOneOrder_ReturnTheStockOnce()
    {
        var saleId = (await Admin.CreateSaleAsync(stock: 3))["id"]!.GetValue<string>();
        var buyers = await Admin.MintBuyersAsync(2);
        var order = await BuyAsync(Admin.WithToken(buyers[0].Token), saleId);
        await BuyAsync(Admin.WithToken(buyers[1].Token), saleId);
        Assert.Equal(1, await RemainingAsync(saleId));

        await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Ledger.CancelAsync(order, "admin", CancellationToken.None)));

        Assert.Equal(2, await RemainingAsync(saleId));
    }

    [Fact]
    public async Task CancelUnknownOrder_NotFound()
    {
        Assert.IsType<CancelOutcome.NotFound>(await Ledger.CancelAsync(Guid.NewGuid(), "admin", CancellationToken.None));
    }

    private static async Task<Guid> BuyAsync(Api buyer, string saleId)
    {
        using var response = await buyer.PurchaseAsync(saleId);
        await Api.EnsureAsync(response, HttpStatusCode.Created);
        return Guid.Parse((await response.Content.ReadFromJsonAsync<JsonObject>())!["orderId"]!.GetValue<string>());
    }

    private async Task<int> RemainingAsync(string saleId) => (await Admin.StockAsync(saleId))["remainingStock"]!.GetValue<int>();
}
