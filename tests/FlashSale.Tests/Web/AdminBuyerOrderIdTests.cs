using System.Net;
using FlashSale.Tests.Admin;
using FlashSale.Tests.Infrastructure;

namespace FlashSale.Tests.Web;

/// <summary>
/// "Find a buyer" by an order id (support is handed one as often as a name: a receipt, a log line): that order, then its
/// buyer's orders; in its own field or pasted into the username or user id field. Until 2026-12-07 a pasted order id read
/// "No account has this username".
/// </summary>
public sealed class AdminBuyerOrderIdTests() : AdminAppTest(new TestApp())
{
    [Theory]
    [InlineData("orderId")]
    [InlineData("username")]
    [InlineData("userId")]
    public async Task AnOrderId_ShowsThatOrder_AndItsBuyersOrders(string field)
    {
        var first = (await Admin.CreateSaleAsync(stock: 5)).Id();
        var second = (await Admin.CreateSaleAsync(stock: 5)).Id();
        var minted = (await Admin.MintBuyersAsync(1))[0];
        var buyer = Admin.WithToken(minted.Token);
        var order = await buyer.BoughtAsync(first);
        var other = await buyer.BoughtAsync(second);
        var admin = Browser.Open(App);
        await admin.SignInAsync("admin", TestApp.AdminPassword);

        using var response = await admin.Http.GetAsync($"/admin/buyers?{field}=%20{order}%20");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = await response.Content.ReadAsStringAsync();
        Assert.Contains($"""<section class="panel" aria-labelledby="order-h" data-order="{order}">""", page, StringComparison.Ordinal);
        Assert.Contains($"""<a class="button small" href="/admin/orders/{order}/cancel">Cancel order…</a>""", page, StringComparison.Ordinal);
        Assert.Contains($"""<a href="/admin/buyers?userId={Uri.EscapeDataString(minted.UserId)}">""", page, StringComparison.Ordinal);
        // The buyer's orders below it, the order found marked.
        Assert.Contains($"""<a href="/admin/orders/{other}/cancel">""", page, StringComparison.Ordinal);
        Assert.Contains("<tr class=\"found\">", page, StringComparison.Ordinal);
        Assert.Contains($"""<input id="buyer-order" name="orderId" value="{order}" """.TrimEnd(), page, StringComparison.Ordinal);
    }
}
