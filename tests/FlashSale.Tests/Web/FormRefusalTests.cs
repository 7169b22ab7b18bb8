using System.Net;
using FlashSale.Tests.Admin;
using FlashSale.Tests.Infrastructure;

namespace FlashSale.Tests.Web;

/// <summary>
/// The forms refuse as the API they stand for does. A cancel that may not have completed is a 503 page with
/// Retry-After, as every 503 is (G7), and a button to try again; the buy form's idempotency key is held to the API's
/// rule: a key the API would answer 400 <c>invalid_idempotency_key</c> was dropped and the buy went on without one, so
/// each retry could buy again (G5).
/// </summary>
public sealed class FormRefusalTests() : AdminAppTest(new TestApp())
{
    private const string Password = "buyer-password-1";

    [Fact]
    public async Task CancelForm_WhenTheRecordCannotWriteIt_Is503WithRetryAfter_AndTheOrderStays()
    {
        var (saleId, _, orderIds) = await Admin.SaleWithOrdersAsync(stock: 5, buyers: 1);
        var browser = Browser.Open(App);
        await browser.SignInAsync("admin", TestApp.AdminPassword);
        // A real failure from the real database: every change of an order row is aborted.
        App.Sql("CREATE TRIGGER fail_cancel BEFORE UPDATE ON orders BEGIN SELECT RAISE(ABORT, 'injected failure'); END;");

        using var refused = await browser.SubmitAsync($"/admin/orders/{orderIds[0]}/cancel", $"/admin/orders/{orderIds[0]}/cancel", []);

        App.Sql("DROP TRIGGER fail_cancel;");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.NotNull(refused.Headers.RetryAfter);
        var page = await refused.Content.ReadAsStringAsync();
        Assert.Contains("data-role=\"reason\">unavailable<", page, StringComparison.Ordinal);
        // Not "nothing changed" (distributed, the record may have taken it), and the retry, which finishes it, on the page.
        Assert.Contains("may not have completed", page, StringComparison.Ordinal);
        Assert.Contains($"action=\"/admin/orders/{orderIds[0]}/cancel\"", page, StringComparison.Ordinal);
        Assert.Equal("confirmed", Assert.Single(await Admin.AllOrdersAsync(saleId))["status"]!.GetValue<string>());
    }

    [Theory]
    [InlineData(101)] // one past the API's 100
    [InlineData(0)]   // an empty key, as the API's empty header
    public async Task BuyForm_WithAKeyTheApiWouldRefuse_Is400_AndBuysNothing(int length)
    {
        var sale = (await Admin.CreateSaleAsync(stock: 10, perUserLimit: 2)).Id();
        var browser = await SignedInBuyerAsync();
        var key = new string('k', length);

        for (var attempt = 0; attempt < 2; attempt++)
        {
            using var refused = await browser.SubmitAsync($"/sales/{sale}", $"/sales/{sale}/buy", new() { ["quantity"] = "1", ["key"] = key });
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Contains("data-role=\"reason\">invalid_idempotency_key<", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        Assert.Empty(await Admin.AllOrdersAsync(sale));
    }

    [Fact]
    public async Task BuyForm_WithAValidKey_BuysOnce_HoweverOftenItIsPosted()
    {
        var sale = (await Admin.CreateSaleAsync(stock: 10, perUserLimit: 2)).Id();
        var browser = await SignedInBuyerAsync();
        var key = new string('k', 100);

        for (var attempt = 0; attempt < 2; attempt++)
        {
            using var bought = await browser.SubmitAsync($"/sales/{sale}", $"/sales/{sale}/buy", new() { ["quantity"] = "1", ["key"] = key });
            Assert.Equal(HttpStatusCode.Redirect, bought.StatusCode);
        }

        Assert.Single(await Admin.AllOrdersAsync(sale));
    }

    private async Task<Browser> SignedInBuyerAsync()
    {
        var username = "form-buyer-" + Guid.NewGuid().ToString("N")[..8];
        using (var registered = await Admin.Anonymous().PostAsJsonAsync("/api/v1/accounts", new { username, password = Password }))
        {
            await Api.EnsureAsync(registered, HttpStatusCode.Created);
        }

        var browser = Browser.Open(App);
        await browser.SignInAsync(username, Password);
        return browser;
    }
}
