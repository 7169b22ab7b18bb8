using System.Net;
using System.Text.RegularExpressions;
using FlashSale.Tests.Admin;
using FlashSale.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;

namespace FlashSale.Tests.Web;

/// <summary>
/// Form posts that bind no field (end, delete, cancel, sign out) check the antiforgery token themselves. Without a
/// valid one they change nothing and answer 400 as any bad request to the site does: the site's error page for a
/// browser, problem+json with a reason for everything else.
/// </summary>
public sealed partial class AntiforgeryRefusalTests() : AdminAppTest(new TestApp())
{
    private const string BrowserAccept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

    [Fact]
    public async Task SignOut_WithoutAToken_IsABadRequestPage_ForABrowser()
    {
        using var response = await PostAsync(NewBrowser(), "/logout", token: null, accept: BrowserAccept);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("<h1 id=\"problem-title\">The form has expired or did not come from this site.</h1>", html, StringComparison.Ordinal);
        Assert.Contains("Nothing was changed.", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignOut_WithoutAToken_IsProblemJson_ForOtherClients()
    {
        using var response = await PostAsync(NewBrowser(), "/logout", token: null, accept: null);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("csrf_check_failed", await Api.ReasonAsync(response));
    }

    [Fact]
    public async Task EndingASale_WithAWrongToken_IsRefused_AndTheSaleStaysOpen()
    {
        var saleId = (await Admin.CreateSaleAsync(stock: 5)).Id();
        var browser = await SignedInAdminAsync();

        using (var forged = await PostAsync(browser, $"/admin/sales/{saleId}/end", token: "not-a-token", accept: BrowserAccept))
        {
            Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
            Assert.Equal("text/html", forged.Content.Headers.ContentType?.MediaType);
        }

        Assert.Equal("active", await StatusAsync(saleId));

        // The same browser with the page's token does end it: the refusal was the token's.
        using var real = await PostAsync(browser, $"/admin/sales/{saleId}/end", await TokenAsync(browser, "/admin"), BrowserAccept);
        Assert.Equal(HttpStatusCode.Redirect, real.StatusCode);
        Assert.Equal("ended", await StatusAsync(saleId));
    }

    private HttpClient NewBrowser() => App.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    private async Task<HttpClient> SignedInAdminAsync()
    {
        var browser = NewBrowser();
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__af"] = await TokenAsync(browser, "/login"),
            ["username"] = "admin",
            ["password"] = TestApp.AdminPassword,
            ["returnUrl"] = "",
        });
        using var signedIn = await browser.PostAsync("/login", form);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        return browser;
    }

    private static async Task<string> TokenAsync(HttpClient browser, string page)
    {
        var token = AntiforgeryField().Match(await browser.GetStringAsync(page)).Groups[1].Value;
        Assert.NotEmpty(token);
        return WebUtility.HtmlDecode(token);
    }

    private static async Task<HttpResponseMessage> PostAsync(HttpClient browser, string path, string? token, string? accept)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new FormUrlEncodedContent(token is null ? [] : new Dictionary<string, string> { ["__af"] = token }),
        };
        if (accept is not null)
        {
            request.Headers.Accept.ParseAdd(accept);
        }

        return await browser.SendAsync(request);
    }

    private async Task<string> StatusAsync(string saleId) =>
        (await Admin.GetJsonAsync($"/api/v1/admin/sales/{saleId}"))["status"]!.GetValue<string>();

    [GeneratedRegex("name=\"__af\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
