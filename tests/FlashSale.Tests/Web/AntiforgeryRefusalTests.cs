using System.Net;
using FlashSale.Tests.Admin;
using FlashSale.Tests.Infrastructure;

namespace FlashSale.Tests.Web;

/// <summary>
/// Form posts that bind no field (end, delete, cancel, sign out) check the antiforgery token themselves. Without a
/// valid one they change nothing and answer 400 as any bad request to the site does: the site's error page for a
/// browser, problem+json with a reason for everything else.
/// </summary>
public sealed class AntiforgeryRefusalTests() : AdminAppTest(new TestApp())
{
    [Fact]
    public async Task SignOut_WithoutAToken_IsABadRequestPage_ForABrowser()
    {
        using var response = await Browser.Open(App).PostFormAsync("/logout", []);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("<h1 id=\"problem-title\">The form has expired or did not come from this site.</h1>", html, StringComparison.Ordinal);
        Assert.Contains("Nothing was changed.", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignOut_WithoutAToken_IsProblemJson_ForOtherClients()
    {
        using var response = await Browser.Open(App).PostFormAsync("/logout", [], accept: null);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("csrf_check_failed", await Api.ReasonAsync(response));
    }

    [Fact]
    public async Task EndingASale_WithAWrongToken_IsRefused_AndTheSaleStaysOpen()
    {
        var saleId = (await Admin.CreateSaleAsync(stock: 5)).Id();
        var browser = Browser.Open(App);
        await browser.SignInAsync("admin", TestApp.AdminPassword);

        using (var forged = await browser.PostFormAsync($"/admin/sales/{saleId}/end", new() { ["__af"] = "not-a-token" }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
            Assert.Equal("text/html", forged.Content.Headers.ContentType?.MediaType);
        }

        Assert.Equal("active", await StatusAsync(saleId));

        // The same browser with the page's token does end it: the refusal was the token's.
        using var real = await browser.SubmitAsync("/admin", $"/admin/sales/{saleId}/end", []);
        Assert.Equal(HttpStatusCode.Redirect, real.StatusCode);
        Assert.Equal("ended", await StatusAsync(saleId));
    }

    private async Task<string> StatusAsync(string saleId) =>
        (await Admin.GetJsonAsync($"/api/v1/admin/sales/{saleId}"))["status"]!.GetValue<string>();
}
