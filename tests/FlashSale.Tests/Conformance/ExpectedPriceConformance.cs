using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FlashSale.Tests.Infrastructure;

namespace FlashSale.Tests.Conformance;

public sealed class ExpectedPriceOnEmbedded() : ExpectedPriceConformance(StorageKind.Embedded);

public sealed class ExpectedPriceOnRedis() : ExpectedPriceConformance(StorageKind.Redis);

public sealed class ExpectedPriceOnRedisCluster() : ExpectedPriceConformance(StorageKind.RedisCluster);

/// <summary>
/// A purchase that says the price it was shown (<c>expectedUnitPrice</c>, <c>expectedCurrency</c>) buys only at that
/// price: a sale's price may change until its first order, and until 2026-12-07 a buyer whose page showed 100.00 USD was
/// charged the 180.00 USD set while it was open. Decided by the ledger with the stock, so nothing is reserved or kept.
/// </summary>
public abstract class ExpectedPriceConformance(StorageKind kind) : ConformanceTest(kind)
{
    [Fact]
    public async Task AnotherPrice_IsRefused_PriceChanged_WithThePriceNow_AndNothingIsBought()
    {
        var saleId = (await Admin.CreateSaleAsync(stock: 5, perUserLimit: 2, price: 100m))["id"]!.GetValue<string>();
        var buyer = Admin.WithToken((await Admin.MintBuyersAsync(1))[0].Token);
        await RepriceAsync(saleId, new { price = 180m, productName = "Watch (new model)" });

        // Shown 100.00 USD: refused, with and without a key, and the key is not held to the refusal.
        foreach (var key in new[] { null, "shown-100" })
        {
            var problem = await PriceChangedAsync(buyer.PostJsonAsync(Purchases(saleId),
                """{"quantity":1,"expectedUnitPrice":100,"expectedCurrency":"USD"}""", key));
            Assert.Equal(180m, problem["unitPrice"]!.GetValue<decimal>());
            Assert.Equal("USD", problem["currency"]!.GetValue<string>());
            Assert.Contains("180.00 USD", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        }

        Assert.Equal(5, (await Admin.StockAsync(saleId))["remainingStock"]!.GetValue<int>());
        Assert.Empty(await Admin.AllOrdersAsync(saleId));

        // Shown the price now (written 180.00 or 180: the same amount): bought at it, under the key refused before.
        using (var bought = await buyer.PostJsonAsync(Purchases(saleId), """{"quantity":1,"expectedUnitPrice":180.00,"expectedCurrency":"USD"}""", "shown-100"))
        {
            await Api.EnsureAsync(bought, HttpStatusCode.Created);
            Assert.Equal(180m, (await bought.Content.ReadFromJsonAsync<JsonObject>())!["unitPrice"]!.GetValue<decimal>());
        }

        using (var again = await buyer.PostJsonAsync(Purchases(saleId), """{"quantity":1,"expectedUnitPrice":180}"""))
        {
            await Api.EnsureAsync(again, HttpStatusCode.Created);
        }

        Assert.Equal(2, (await Admin.AllOrdersAsync(saleId)).Count);
    }

    [Fact]
    public async Task AnotherCurrency_IsRefused_EvenAtTheSameAmount()
    {
        var saleId = (await Admin.CreateSaleAsync(stock: 5, price: 100m))["id"]!.GetValue<string>();
        var buyer = Admin.WithToken((await Admin.MintBuyersAsync(1))[0].Token);
        await RepriceAsync(saleId, new { currency = "EUR" });

        var problem = await PriceChangedAsync(buyer.PostJsonAsync(Purchases(saleId), """{"quantity":1,"expectedUnitPrice":100,"expectedCurrency":"USD"}"""));
        Assert.Equal("EUR", problem["currency"]!.GetValue<string>());
        Assert.Empty(await Admin.AllOrdersAsync(saleId));

        // The amount alone is the same: bought.
        using var bought = await buyer.PostJsonAsync(Purchases(saleId), """{"quantity":1,"expectedUnitPrice":100}""");
        await Api.EnsureAsync(bought, HttpStatusCode.Created);
    }

    [Fact]
    public async Task WithoutAnExpectedPrice_ThePurchaseIsAtTheSalesPrice_AsBefore()
    {
        var saleId = (await Admin.CreateSaleAsync(stock: 5, price: 100m))["id"]!.GetValue<string>();
        var buyer = Admin.WithToken((await Admin.MintBuyersAsync(1))[0].Token);
        await RepriceAsync(saleId, new { price = 180m });

        using var bought = await buyer.PurchaseAsync(saleId);
        await Api.EnsureAsync(bought, HttpStatusCode.Created);
        Assert.Equal(180m, (await bought.Content.ReadFromJsonAsync<JsonObject>())!["unitPrice"]!.GetValue<decimal>());
    }

    [Theory]
    [InlineData("""{"quantity":1,"expectedUnitPrice":-1}""", "expectedUnitPrice")]
    [InlineData("""{"quantity":1,"expectedUnitPrice":10.001}""", "expectedUnitPrice")]
    [InlineData("""{"quantity":1,"expectedUnitPrice":1000000001}""", "expectedUnitPrice")]
    [InlineData("""{"quantity":1,"expectedCurrency":"usd"}""", "expectedCurrency")]
    [InlineData("""{"quantity":1,"expectedCurrency":"XXX"}""", "expectedCurrency")]
    public async Task AnExpectedPriceThatNoSaleCouldHave_Is400_NamingIt_AndBuysNothing(string body, string field)
    {
        var saleId = (await Admin.CreateSaleAsync(stock: 5))["id"]!.GetValue<string>();
        var buyer = Admin.WithToken((await Admin.MintBuyersAsync(1))[0].Token);

        using var response = await buyer.PostJsonAsync(Purchases(saleId), body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("validation_failed", problem["reason"]!.GetValue<string>());
        Assert.NotNull(problem["errors"]![field]);
        Assert.Empty(await Admin.AllOrdersAsync(saleId));
    }

    private static string Purchases(string saleId) => $"/api/v1/sales/{saleId}/purchases";

    // A live sale's product (its price among them) may change until its first order.
    private async Task RepriceAsync(string saleId, object change)
    {
        using var response = await Admin.SendAsync(HttpMethod.Patch, $"/api/v1/admin/sales/{saleId}", JsonContent.Create(change));
        await Api.EnsureAsync(response, HttpStatusCode.OK);
    }

    private static async Task<JsonObject> PriceChangedAsync(Task<HttpResponseMessage> sending)
    {
        using var response = await sending;
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        var problem = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("price_changed", problem["reason"]!.GetValue<string>());
        return problem;
    }
}
