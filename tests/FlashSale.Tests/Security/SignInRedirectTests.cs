using System.Net;
using FlashSale.Tests.Infrastructure;

namespace FlashSale.Tests.Security;

/// <summary>
/// Where the cookie scheme sends a browser that must sign in (a signed-out visitor) or may not see a page (a buyer at an
/// admin page): a path on this site, whatever the request's Host header and scheme. The handler's own address is
/// absolute, built from both, so a forged Host named another site in the Location, and behind a TLS proxy not listed in
/// Network:TrustedProxies it sent the browser to plain http://, where the sign-in form posted the password in the clear.
/// </summary>
public sealed class SignInRedirectTests
{
    [Theory]
    [InlineData("evil.example")]
    [InlineData("evil.example:8443")]
    public async Task ASignedOutVisitor_IsSentToThisSitesSignInPage_WhateverTheHostHeader(string host)
    {
        await using var app = new TestApp();
        var browser = Browser.Open(app);

        using var request = new HttpRequestMessage(HttpMethod.Get, "/admin");
        request.Headers.Host = host;
        request.Headers.Accept.ParseAdd(Browser.HtmlAccept);
        using var response = await browser.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/login?ReturnUrl=%2Fadmin", response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task ABuyerAtAnAdminPage_IsSentToThisSitesSignInPage_WhateverTheHostHeader()
    {
        await using var app = new TestApp();
        var admin = await Api.AsAdminAsync(app.CreateClient());
        using (var registered = await admin.Anonymous().PostAsJsonAsync("/api/v1/accounts",
            new { username = "redirected-buyer", password = "buyer-password-1" }))
        {
            await Api.EnsureAsync(registered, HttpStatusCode.Created);
        }

        var browser = Browser.Open(app);
        await browser.SignInAsync("redirected-buyer", "buyer-password-1");

        using var request = new HttpRequestMessage(HttpMethod.Get, "/admin");
        request.Headers.Host = "evil.example";
        request.Headers.Accept.ParseAdd(Browser.HtmlAccept);
        using var response = await browser.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/login?ReturnUrl=%2Fadmin", response.Headers.Location?.OriginalString);
    }
}
