using System.Net;
using FlashSale.Tests.Infrastructure;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace FlashSale.Tests.Security;

/// <summary>What protects a browser user: security headers on every response, cookie flags, CSRF on cookie-authenticated API calls.</summary>
public sealed class BrowserDefenceTests() : AdminAppTest(new TestApp())
{
    [Theory]
    [InlineData("/api/v1/sales", "application/json")]
    [InlineData("/api/v1/sales/not-a-sale", "application/problem+json")]
    [InlineData("/no/such/page", "application/problem+json")]
    [InlineData("/api/v1/me/orders", "application/problem+json")]
    [InlineData("/openapi/v1.json", "application/json")]
    public async Task EveryResponse_CarriesTheSecurityHeaders(string path, string mediaType)
    {
        using var response = await Admin.Anonymous().GetAsync(path);

        Assert.Equal(mediaType, response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("nosniff", Header(response, "X-Content-Type-Options"));
        Assert.Equal("no-referrer", Header(response, "Referrer-Policy"));
        Assert.Equal("DENY", Header(response, "X-Frame-Options"));
        Assert.Equal("default-src 'none'; frame-ancestors 'none'", Header(response, "Content-Security-Policy"));
    }

    [Theory]
    [InlineData("/api/v1/me/orders")] // a buyer's own orders
    [InlineData("/api/v1/admin/sales")]
    [InlineData("/api/v1/sales")] // public, but with the stock and server time of the moment
    [InlineData("/api/v1/sales/not-a-sale")] // a problem
    [InlineData("/")] // a page
    [InlineData("/admin")]
    public async Task DynamicAnswers_AreNotStoredByAnyCache(string path)
    {
        using var response = await Admin.GetAsync(path);

        Assert.True(response.Headers.CacheControl?.NoStore, $"{path}: Cache-Control is '{response.Headers.CacheControl}'");
    }

    [Fact]
    public async Task IssuedTokens_AreNotStoredByAnyCache()
    {
        // RFC 6749 §5.1: an answer carrying a token must say no-store.
        using var response = await Admin.Anonymous().PostAsJsonAsync("/api/v1/auth/token", new { username = "admin", password = TestApp.AdminPassword });
        await Api.EnsureAsync(response, HttpStatusCode.OK);
        Assert.True(response.Headers.CacheControl?.NoStore);

        using var minted = await Admin.PostAsJsonAsync("/api/v1/admin/tokens", new { count = 1 });
        await Api.EnsureAsync(minted, HttpStatusCode.OK);
        Assert.True(minted.Headers.CacheControl?.NoStore);
    }

    [Fact]
    public async Task StaticFiles_AreRevalidatedByETag_NotStoredBlindly()
    {
        using var first = await Admin.Anonymous().GetAsync("/css/site.css");
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.True(first.Headers.CacheControl?.NoCache);
        Assert.False(first.Headers.CacheControl?.NoStore);
        Assert.NotNull(first.Headers.ETag);

        using var again = await Admin.Anonymous().SendAsync(HttpMethod.Get, "/css/site.css",
            configure: r => r.Headers.IfNoneMatch.Add(first.Headers.ETag!));
        Assert.Equal(HttpStatusCode.NotModified, again.StatusCode);
    }

    [Fact]
    public async Task HtmlPages_GetAContentSecurityPolicy_WithoutFraming()
    {
        using var response = await Admin.Anonymous().GetAsync("/api-docs/");

        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var csp = Header(response, "Content-Security-Policy")!;
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
        Assert.Contains("object-src 'none'", csp, StringComparison.Ordinal);
        Assert.Equal("nosniff", Header(response, "X-Content-Type-Options"));
    }

    [Fact]
    public void TheSignInCookie_IsHttpOnlyAndSameSiteStrict()
    {
        var options = App.Services.GetRequiredService<IOptionsMonitor<CookieAuthenticationOptions>>()
            .Get(CookieAuthenticationDefaults.AuthenticationScheme);

        Assert.True(options.Cookie.HttpOnly);
        Assert.Equal(SameSiteMode.Strict, options.Cookie.SameSite);
        // Secure whenever the request is HTTPS, including behind a trusted proxy that says so (X-Forwarded-Proto).
        Assert.Equal(CookieSecurePolicy.SameAsRequest, options.Cookie.SecurePolicy);
    }

    [Fact]
    public async Task CookieAuthenticatedPost_WithoutProofOfOrigin_IsRefusedAndBuysNothing()
    {
        var saleId = (await Admin.CreateSaleAsync(stock: 5))["id"]!.GetValue<string>();
        var cookie = await SignInCookieAsync();
        var api = Admin.Anonymous();

        using var forged = await api.SendAsync(HttpMethod.Post, $"/api/v1/sales/{saleId}/purchases",
            new StringContent("""{"quantity":1}""", System.Text.Encoding.UTF8, "application/json"), r => r.Headers.Add("Cookie", cookie));
        using var read = await api.SendAsync(HttpMethod.Get, "/api/v1/me/orders", configure: r => r.Headers.Add("Cookie", cookie));

        Assert.Equal(HttpStatusCode.Forbidden, forged.StatusCode);
        Assert.Equal("csrf_check_failed", await Api.ReasonAsync(forged));
        Assert.Equal(HttpStatusCode.OK, read.StatusCode); // reading is not what CSRF abuses
        Assert.Empty(await Admin.AllOrdersAsync(saleId));
    }

    [Fact]
    public async Task CookieAuthenticatedPost_WithXRequestedWith_Buys()
    {
        var saleId = (await Admin.CreateSaleAsync(stock: 5))["id"]!.GetValue<string>();
        var cookie = await SignInCookieAsync();

        using var response = await Admin.Anonymous().SendAsync(HttpMethod.Post, $"/api/v1/sales/{saleId}/purchases",
            new StringContent("""{"quantity":1}""", System.Text.Encoding.UTF8, "application/json"), r =>
            {
                r.Headers.Add("Cookie", cookie);
                r.Headers.Add("X-Requested-With", "fetch");
            });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Fact]
    public async Task BearerPost_WithAStrayCookie_IsNotAskedForProof()
    {
        var saleId = (await Admin.CreateSaleAsync(stock: 5))["id"]!.GetValue<string>();
        var buyer = Admin.WithToken((await Admin.MintBuyersAsync(1))[0].Token);
        var stray = await SignInCookieAsync();

        using var response = await buyer.SendAsync(HttpMethod.Post, $"/api/v1/sales/{saleId}/purchases",
            new StringContent("""{"quantity":1}""", System.Text.Encoding.UTF8, "application/json"),
            r => r.Headers.Add("Cookie", stray));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    /// <summary>The sign-in cookie of a new buyer account, signed in through the form.</summary>
    private async Task<string> SignInCookieAsync()
    {
        var username = $"cookie-{Guid.NewGuid():N}"[..20];
        using var registered = await Admin.Anonymous().PostAsJsonAsync("/api/v1/accounts", new { username, password = "cookie-password" });
        await Api.EnsureAsync(registered, HttpStatusCode.Created);
        return await CredentialRevocationTests.SignInCookieAsync(App, username, "cookie-password");
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values)
            ? string.Join(", ", values) : null;
}
