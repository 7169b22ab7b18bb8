using System.Net;
using FlashSale.Tests.Admin;
using FlashSale.Tests.Infrastructure;

namespace FlashSale.Tests.Distributed;

/// <summary>
/// The opening of the tests that break one sale and watch another sell on: two sales of 100 (10 per buyer), one buyer,
/// and one order of the first, so Redis holds that sale's state before the test takes it apart.
/// </summary>
internal sealed record TwoSales(string First, string Other, Api Buyer)
{
    public static async Task<TwoSales> OpenAsync(Api admin)
    {
        var first = (await admin.CreateSaleAsync(stock: 100, perUserLimit: 10)).Id();
        var other = (await admin.CreateSaleAsync(stock: 100, perUserLimit: 10)).Id();
        var buyer = admin.WithToken((await admin.MintBuyersAsync(1))[0].Token);
        using var bought = await buyer.PurchaseAsync(first);
        Assert.Equal(HttpStatusCode.Created, bought.StatusCode);
        return new TwoSales(first, other, buyer);
    }
}
