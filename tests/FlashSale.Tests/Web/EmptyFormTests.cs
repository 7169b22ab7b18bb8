using System.Net;
using System.Text.Json.Nodes;
using FlashSale.Tests.Admin;
using FlashSale.Tests.Infrastructure;

namespace FlashSale.Tests.Web;

/// <summary>
/// A form post that lacks fields is answered as one with blank fields (G7): the form again with its own message, or
/// the site's refusal page, and nothing changed. Form binding hands a handler no record at all when the post has none
/// of its fields, and refused a post missing any one of them (<c>returnUrl</c>, the buy form's <c>key</c>) with the
/// framework's "Missing required value for constructor parameter"; until 2026-12-06 a post of only the antiforgery
/// token to sign-in, register, buy, new sale or edit sale was a 500.
/// </summary>
public sealed class EmptyFormTests() : AdminAppTest(new TestApp())
{
    private const string Password = "buyer-password-1";

    [Theory]
    [InlineData("/login", HttpStatusCode.Unauthorized, "The username or password is wrong.")]
    [InlineData("/register", HttpStatusCode.BadRequest, "Username ")]
    public async Task AnonymousForm_WithOnlyItsToken_ShowsTheFormAgain_AndSignsNobodyIn(string page, HttpStatusCode status, string error)
    {
        var browser = Browser.Open(App);

        using var response = await browser.SubmitAsync(page, page, []);

        Assert.Equal(status, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("id=\"form-error\">" + error, html, StringComparison.Ordinal);
        Assert.Contains($"action=\"{page}\"", html, StringComparison.Ordinal);
        Assert.False(SetsSignInCookie(response));
        await AssertSignedOutAsync(browser);
    }

    [Fact]
    public async Task Register_WithoutAPassword_SaysSo_AndMakesNoAccount()
    {
        var username = NewUsername();

        using var response = await Browser.Open(App).SubmitAsync("/register", "/register", new() { ["username"] = username });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("id=\"form-error\">Password ", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var registered = await Admin.Anonymous().PostAsJsonAsync("/api/v1/accounts", new { username, password = Password });
        await Api.EnsureAsync(registered, HttpStatusCode.Created); // the name is still free
    }

    [Theory]
    [InlineData("/login")]
    [InlineData("/register")]
    public async Task AccountForm_WithoutReturnUrl_SignsIn_AndGoesToTheFrontPage(string page)
    {
        var username = NewUsername();
        if (page == "/login")
        {
            using var registered = await Admin.Anonymous().PostAsJsonAsync("/api/v1/accounts", new { username, password = Password });
            await Api.EnsureAsync(registered, HttpStatusCode.Created);
        }

        var browser = Browser.Open(App);
        using var response = await browser.SubmitAsync(page, page, new() { ["username"] = username, ["password"] = Password });

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/", response.Headers.Location?.OriginalString);
        using var orders = await browser.Http.GetAsync("/orders");
        Assert.Equal(HttpStatusCode.OK, orders.StatusCode);
    }

    [Fact]
    public async Task AdminCreateForm_WithOnlyItsToken_ShowsTheFieldErrors_AndMakesNoSale()
    {
        var browser = await SignedInAdminAsync();
        var before = await SaleCountAsync();

        using var response = await browser.SubmitAsync("/admin/sales/new", "/admin/sales", []);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("Please correct the highlighted fields.", html, StringComparison.Ordinal);
        Assert.Contains("id=\"e-price\"", html, StringComparison.Ordinal);
        Assert.Contains("action=\"/admin/sales\"", html, StringComparison.Ordinal);
        Assert.Equal(before, await SaleCountAsync());
    }

    [Theory]
    [InlineData(false)] // upcoming: every field may change
    [InlineData(true)]  // active with an order: only the end may change
    public async Task AdminEditForm_WithOnlyItsToken_ShowsTheFormAgain_AndTheSaleStays(bool sold)
    {
        var now = DateTimeOffset.UtcNow;
        var saleId = sold
            ? (await Admin.SaleWithOrdersAsync(stock: 5, buyers: 1)).SaleId
            : (await Admin.CreateSaleAsync(stock: 5, startsAt: now.AddHours(1), endsAt: now.AddHours(2))).Id();
        var before = (await SaleAsync(saleId)).ToJsonString();
        var browser = await SignedInAdminAsync();

        using var response = await browser.SubmitAsync($"/admin/sales/{saleId}/edit", $"/admin/sales/{saleId}/edit", []);

        Assert.InRange((int)response.StatusCode, 400, 499);
        Assert.Contains($"action=\"/admin/sales/{saleId}/edit\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(before, (await SaleAsync(saleId)).ToJsonString());
    }

    [Fact]
    public async Task AdminEditForm_OfAnUnknownSale_WithOnlyItsToken_IsA404()
    {
        var saleId = (await Admin.CreateSaleAsync(stock: 5)).Id();
        var browser = await SignedInAdminAsync();

        using var response = await browser.SubmitAsync($"/admin/sales/{saleId}/edit", $"/admin/sales/{Guid.NewGuid()}/edit", []);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    /// <summary>
    /// The buy form's key is optional as the API's Idempotency-Key is, and a quantity left out is the form's 1, as a
    /// blank quantity box is: a post of only the token is a keyless buy of one unit, as pressing "Buy now" would be.
    /// </summary>
    [Fact]
    public async Task BuyForm_WithOnlyItsToken_BuysOneUnit()
    {
        var sale = (await Admin.CreateSaleAsync(stock: 10, perUserLimit: 3)).Id();
        var browser = await SignedInBuyerAsync();

        using var response = await browser.SubmitAsync($"/sales/{sale}", $"/sales/{sale}/buy", []);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal($"/sales/{sale}?m=bought", response.Headers.Location?.OriginalString);
        Assert.Equal(1, Assert.Single(await Admin.AllOrdersAsync(sale)).Int("quantity"));
    }

    [Fact]
    public async Task BuyForm_WithoutAKey_BuysWithoutOne()
    {
        var sale = (await Admin.CreateSaleAsync(stock: 10, perUserLimit: 3)).Id();
        var browser = await SignedInBuyerAsync();

        using var response = await browser.SubmitAsync($"/sales/{sale}", $"/sales/{sale}/buy", new() { ["quantity"] = "2" });

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal($"/sales/{sale}?m=bought", response.Headers.Location?.OriginalString);
        Assert.Equal(2, Assert.Single(await Admin.AllOrdersAsync(sale)).Int("quantity"));
    }

    [Fact]
    public async Task BuyForm_WithOnlyItsKey_BuysOneUnit_Once()
    {
        var sale = (await Admin.CreateSaleAsync(stock: 10, perUserLimit: 3)).Id();
        var browser = await SignedInBuyerAsync();
        var key = Guid.NewGuid().ToString("N");

        for (var attempt = 0; attempt < 2; attempt++)
        {
            using var response = await browser.SubmitAsync($"/sales/{sale}", $"/sales/{sale}/buy", new() { ["key"] = key });
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        }

        Assert.Equal(1, Assert.Single(await Admin.AllOrdersAsync(sale)).Int("quantity"));
    }

    /// <summary>A form bound to a record that may come out null still checks its token: without it, nothing changes.</summary>
    [Fact]
    public async Task BoundForms_WithoutTheirToken_AreRefused()
    {
        var sale = (await Admin.CreateSaleAsync(stock: 10, perUserLimit: 3)).Id();
        var username = NewUsername();
        var buyer = await SignedInBuyerAsync();
        var admin = await SignedInAdminAsync();
        var sales = await SaleCountAsync();

        await AssertRefusedAsync(Browser.Open(App), "/register", new() { ["username"] = username, ["password"] = Password });
        await AssertRefusedAsync(Browser.Open(App), "/login", new() { ["username"] = "admin", ["password"] = TestApp.AdminPassword });
        await AssertRefusedAsync(buyer, $"/sales/{sale}/buy", new() { ["quantity"] = "1" });
        await AssertRefusedAsync(admin, "/admin/sales", []);

        Assert.Empty(await Admin.AllOrdersAsync(sale));
        Assert.Equal(sales, await SaleCountAsync());
        using var registered = await Admin.Anonymous().PostAsJsonAsync("/api/v1/accounts", new { username, password = Password });
        await Api.EnsureAsync(registered, HttpStatusCode.Created);

        static async Task AssertRefusedAsync(Browser browser, string action, Dictionary<string, string> fields)
        {
            using var response = await browser.PostFormAsync(action, fields);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.False(SetsSignInCookie(response));
        }
    }

    /// <summary>End, delete, cancel and sign out bind no field: their token is their whole form, and it acts.</summary>
    [Fact]
    public async Task FormsWithNoFields_WithOnlyTheirToken_Act()
    {
        var (saleId, _, orderIds) = await Admin.SaleWithOrdersAsync(stock: 5, buyers: 1);
        var spareSale = await Admin.CreateSaleAsync(stock: 5);
        var spare = spareSale.Id();
        var sku = (await SaleAsync(saleId))["sku"]!.GetValue<string>();
        var browser = await SignedInAdminAsync();

        await AssertRedirectAsync(browser, $"/admin/orders/{orderIds[0]}/cancel", $"/admin/orders/{orderIds[0]}/cancel", $"/admin/sales/{saleId}?m=cancelled");
        await AssertRedirectAsync(browser, "/admin", $"/admin/sales/{saleId}/end", $"/admin?m=ended&name=Test%20product&sku={sku}");
        await AssertRedirectAsync(browser, "/admin", $"/admin/sales/{spare}/delete", $"/admin?m=deleted&name=Test%20product&sku={spareSale["sku"]!.GetValue<string>()}");
        await AssertRedirectAsync(browser, "/admin", "/logout", "/");

        Assert.Equal("cancelled", Assert.Single(await Admin.AllOrdersAsync(saleId))["status"]!.GetValue<string>());
        Assert.Equal("ended", (await SaleAsync(saleId))["status"]!.GetValue<string>());
        await AssertSignedOutAsync(browser);
    }

    private static async Task AssertRedirectAsync(Browser browser, string page, string action, string to)
    {
        using var response = await browser.SubmitAsync(page, action, []);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(to, response.Headers.Location?.OriginalString);
    }

    private static bool SetsSignInCookie(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Set-Cookie", out var cookies) && cookies.Any(c => c.StartsWith("flashsale.auth=", StringComparison.Ordinal));

    private static async Task AssertSignedOutAsync(Browser browser)
    {
        using var orders = await browser.Http.GetAsync("/orders");
        Assert.Equal(HttpStatusCode.Redirect, orders.StatusCode);
        // A relative Location since 2026-12-06 (SignInRedirectTests).
        Assert.StartsWith("/login", orders.Headers.Location?.OriginalString, StringComparison.Ordinal);
    }

    /// <summary>The sale as the admin API reads it, less the clock.</summary>
    private async Task<JsonObject> SaleAsync(string saleId)
    {
        var sale = await Admin.GetJsonAsync($"/api/v1/admin/sales/{saleId}");
        sale.Remove("serverTime");
        return sale;
    }

    private async Task<int> SaleCountAsync() =>
        (await Admin.GetJsonAsync("/api/v1/admin/sales?limit=100"))["items"]!.AsArray().Count;

    private async Task<Browser> SignedInAdminAsync()
    {
        var browser = Browser.Open(App);
        await browser.SignInAsync("admin", TestApp.AdminPassword);
        return browser;
    }

    private async Task<Browser> SignedInBuyerAsync()
    {
        var username = NewUsername();
        using (var registered = await Admin.Anonymous().PostAsJsonAsync("/api/v1/accounts", new { username, password = Password }))
        {
            await Api.EnsureAsync(registered, HttpStatusCode.Created);
        }

        var browser = Browser.Open(App);
        await browser.SignInAsync(username, Password);
        return browser;
    }

    private static string NewUsername() => "empty-" + Guid.NewGuid().ToString("N")[..8];
}
