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

    [Theory]
    [InlineData("/login")]
    [InlineData("/register")]
    public async Task AFormKeptOpenWhileTheBrowserSignedIn_IsRefusedAsExpired_NotInTheFrameworksWords(string form)
    {
        // A form drawn signed out (in a second tab), then the browser signs in elsewhere: the
        // form's token was for nobody, and form binding refused it with "The request is not valid. Invalid anti-forgery
        // token found when reading parameter "CredentialsForm posted" from the request body as form."
        var browser = Browser.Open(App);
        var stale = await browser.TokenAsync(form);
        await browser.SignInAsync("admin", TestApp.AdminPassword);
        var fields = new Dictionary<string, string>
        {
            ["__af"] = stale, ["username"] = "newcomer-" + Guid.NewGuid().ToString("N")[..8], ["password"] = "correct-horse-1", ["returnUrl"] = "",
        };

        using var page = await browser.PostFormAsync(form, fields);
        Assert.Equal(HttpStatusCode.BadRequest, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("<h1 id=\"problem-title\">The form has expired or did not come from this site.</h1>", html, StringComparison.Ordinal);
        Assert.Contains("Nothing was changed.", html, StringComparison.Ordinal);
        Assert.DoesNotContain("anti-forgery", html, StringComparison.OrdinalIgnoreCase);

        using var json = await browser.PostFormAsync(form, fields, accept: null);
        Assert.Equal(HttpStatusCode.BadRequest, json.StatusCode);
        Assert.Equal("csrf_check_failed", await Api.ReasonAsync(json));

        // Nothing was changed: the account was not created.
        using var signIn = await Browser.Open(App).SubmitAsync("/login", "/login",
            new() { ["username"] = fields["username"], ["password"] = fields["password"], ["returnUrl"] = "" });
        Assert.Equal(HttpStatusCode.Unauthorized, signIn.StatusCode);
    }

    private async Task<string> StatusAsync(string saleId) =>
        (await Admin.GetJsonAsync($"/api/v1/admin/sales/{saleId}"))["status"]!.GetValue<string>();
}
