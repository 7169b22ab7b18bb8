using System.Net;
using System.Text.Json.Nodes;
using FlashSale.Accounts;
using FlashSale.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace FlashSale.Tests.Security;

/// <summary>
/// How long a sign-in can last: the cookie slides with use but not past <c>Auth:CookieMaxAge</c> from the
/// sign-in; and a validly signed token without a subject is nobody, refused (401) rather than a 500 on every
/// endpoint that asks who the caller is.
/// </summary>
public sealed class SessionBoundsTests
{
    [Fact]
    public async Task TheCookie_SlidesWithUse_ButEndsAtItsMaximumAgeFromTheSignIn()
    {
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        await using var app = new TestApp(clock: clock);
        var browser = Browser.Open(app);
        await browser.SignInAsync("admin", TestApp.AdminPassword);

        // Used every 5 hours, well within the 8-hour idle timeout: renewed each time, for up to a day.
        for (var hours = 5; hours < 24; hours += 5)
        {
            clock.Advance(TimeSpan.FromHours(5));
            using var page = await browser.Http.GetAsync("/admin");
            Assert.True(page.StatusCode == HttpStatusCode.OK, $"{hours} h after the sign-in: {page.StatusCode}");
        }

        clock.Advance(TimeSpan.FromHours(5));
        using var late = await browser.Http.GetAsync("/admin");
        Assert.Equal(HttpStatusCode.Redirect, late.StatusCode);
        Assert.EndsWith("/login?ReturnUrl=%2Fadmin", late.Headers.Location?.OriginalString, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public async Task AValidlySignedTokenWithoutASubject_Is401_OnEverySignedInEndpoint(string? subject)
    {
        await using var app = new TestApp();
        var admin = await Api.AsAdminAsync(app.CreateClient());
        var saleId = (await admin.CreateSaleAsync(stock: 5))["id"]!.GetValue<string>();
        // A real synthetic buyer's token, signed again with the server's key without its subject: valid in every other way.
        var minted = (await admin.MintBuyersAsync(1))[0].Token;
        var buyer = admin.WithToken(Resign(app, minted, subject));

        using var orders = await buyer.GetAsync("/api/v1/me/orders");
        using var purchase = await buyer.PurchaseAsync(saleId);
        using var mine = await buyer.GetAsync($"/api/v1/sales/{saleId}/purchases/me");

        Assert.Equal(HttpStatusCode.Unauthorized, orders.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, purchase.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, mine.StatusCode);
        Assert.Equal("unauthorized", await Api.ReasonAsync(purchase));
        Assert.Empty(await admin.AllOrdersAsync(saleId));
        // The same token with its subject is fine: only the missing subject was refused.
        using var whole = await admin.WithToken(minted).GetAsync("/api/v1/me/orders");
        Assert.Equal(HttpStatusCode.OK, whole.StatusCode);
    }

    private static string Resign(TestApp app, string token, string? subject)
    {
        var payload = JsonNode.Parse(Base64UrlEncoder.Decode(token.Split('.')[1]))!.AsObject();
        payload.Remove("sub");
        if (subject is not null)
        {
            payload["sub"] = subject;
        }

        var key = app.Services.GetRequiredService<SigningKey>().Key;
        return new JsonWebTokenHandler().CreateToken(payload.ToJsonString(), new SigningCredentials(key, SecurityAlgorithms.HmacSha256));
    }
}
