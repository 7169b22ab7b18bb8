using System.Net;
using FlashSale.Tests.Admin;
using FlashSale.Tests.Infrastructure;

namespace FlashSale.Tests.Web;

/// <summary>
/// Support's page for one buyer (/admin/buyers): their orders across every sale, newest first, with cancel links; a
/// username nobody has, or a user id no token can carry, is said so on the page, never a 500.
/// </summary>
public sealed class AdminBuyerPageTests() : AdminAppTest(new TestApp())
{
    private const string Password = "buyer-password-1";

    [Fact]
    public async Task ABuyersOrders_AcrossSales_WithTheirCancelLinks_AndNobodyElses()
    {
        var first = (await Admin.CreateSaleAsync(stock: 5)).Id();
        var second = (await Admin.CreateSaleAsync(stock: 5)).Id();
        var username = "support-" + Guid.NewGuid().ToString("N")[..8];
        using (var registered = await Admin.Anonymous().PostAsJsonAsync("/api/v1/accounts", new { username, password = Password }))
        {
            await Api.EnsureAsync(registered, HttpStatusCode.Created);
        }

        var buyer = Admin.WithToken(await Admin.Anonymous().TokenAsync(username, Password));
        var orders = new[] { await buyer.BoughtAsync(first), await buyer.BoughtAsync(second) };
        var others = await Admin.WithToken((await Admin.MintBuyersAsync(1))[0].Token).BoughtAsync(first);
        var admin = Browser.Open(App);
        await admin.SignInAsync("admin", TestApp.AdminPassword);

        using var response = await admin.Http.GetAsync($"/admin/buyers?username={username.ToUpperInvariant()}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = await response.Content.ReadAsStringAsync();
        foreach (var order in orders)
        {
            Assert.Contains($"""<a href="/admin/orders/{order}/cancel">""", page, StringComparison.Ordinal);
        }

        Assert.DoesNotContain(others, page, StringComparison.Ordinal);
        Assert.Contains($"""<a href="/admin/sales/{first}">""", page, StringComparison.Ordinal);
        Assert.Contains($"""<a href="/admin/sales/{second}">""", page, StringComparison.Ordinal);
        // Newest first.
        Assert.True(page.IndexOf(orders[1], StringComparison.Ordinal) < page.IndexOf(orders[0], StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("", HttpStatusCode.OK, "Find a buyer")]
    [InlineData("?username=nobody-has-this-name", HttpStatusCode.NotFound, "No account has this username.")]
    [InlineData("?username=a%00", HttpStatusCode.NotFound, "No account has this username.")]
    [InlineData("?userId=%00", HttpStatusCode.BadRequest, "Give a username, or a user id")]
    [InlineData("?username=a&userId=b", HttpStatusCode.BadRequest, "Give a username, or a user id")]
    [InlineData("?userId=someone&cursor=not-a-cursor", HttpStatusCode.BadRequest, "Give a username, or a user id")]
    // An order id (AdminBuyerOrderIdTests): one nothing has, text that is not one, one beside a username, one in the username field.
    [InlineData("?orderId=0190a1b2-0000-7000-8000-000000000000", HttpStatusCode.NotFound, "No order has this id.")]
    [InlineData("?orderId=not-an-id", HttpStatusCode.BadRequest, "That is not an order id")]
    [InlineData("?orderId=0190a1b2-0000-7000-8000-000000000000&username=bob", HttpStatusCode.BadRequest, "Give a username, or a user id")]
    [InlineData("?username=0190a1b2-0000-7000-8000-000000000000", HttpStatusCode.NotFound, "No account has this username.")]
    public async Task TheSearch_AndWhatItCannotFind(string query, HttpStatusCode status, string says)
    {
        var admin = Browser.Open(App);
        await admin.SignInAsync("admin", TestApp.AdminPassword);

        using var response = await admin.Http.GetAsync("/admin/buyers" + query);

        Assert.Equal(status, response.StatusCode);
        var page = await response.Content.ReadAsStringAsync();
        Assert.Contains(says, page, StringComparison.Ordinal);
        Assert.Contains("""<form method="get" action="/admin/buyers" class="buyer-search">""", page, StringComparison.Ordinal);
    }
}
