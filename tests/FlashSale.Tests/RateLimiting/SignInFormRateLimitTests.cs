using System.Net;
using FlashSale.Tests.Infrastructure;

namespace FlashSale.Tests.RateLimiting;

/// <summary>
/// The sign-in form is held to the API sign-in's rule, <c>auth-per-ip</c>, and shares its budget: it had no endpoint
/// name, so the rule naming the API's endpoints never counted it, and one address could post 1,200 password guesses a
/// minute to /login where the API allows 60. A real socket: per-address rules need a client address.
/// </summary>
public sealed class SignInFormRateLimitTests() : AdminAppTest(new TestApp(realSocket: true, clock: new ManualClock(DateTimeOffset.UtcNow), settings: new Dictionary<string, string?>
{
    // A clock that stands still: no window slides during the test, so the counts are exact.
    ["RateLimiting:Rules:auth-per-ip:PermitLimit"] = "4",
    ["RateLimiting:Rules:per-ip:PermitLimit"] = "100000",
}))
{
    [Fact]
    public async Task TheSignInForm_SharesTheApisSignInBudget()
    {
        var browser = Browser.Open(App);
        var guess = new Dictionary<string, string> { ["username"] = "someone", ["password"] = "a-wrong-guess", ["returnUrl"] = "" };
        // The admin's sign-in (the test's setup) took one of the four.
        for (var i = 0; i < 3; i++)
        {
            using var refused = await browser.SubmitAsync("/login", "/login", guess);
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        // Refused, the form comes back with its own message (it was the generic problem page "At most 4 requests per
        // 00:01:00 ('auth-per-ip')"), still saying when to retry.
        using (var limited = await browser.SubmitAsync("/login", "/login", guess))
        {
            Assert.Equal(HttpStatusCode.Redirect, limited.StatusCode);
            Assert.Equal("/login?m=rate_limited", limited.Headers.Location?.OriginalString);
            Assert.NotNull(limited.Headers.RetryAfter);
            var page = await browser.Http.GetStringAsync(limited.Headers.Location!.OriginalString);
            Assert.Contains("Too many attempts from your address", page, StringComparison.Ordinal);
            Assert.Contains("action=\"/login\"", page, StringComparison.Ordinal);
        }

        // The same address's API sign-ins are out of the same budget.
        using var api = await Admin.Anonymous().PostAsJsonAsync("/api/v1/auth/token", new { username = "someone", password = "a-wrong-guess" });
        Assert.Equal(HttpStatusCode.TooManyRequests, api.StatusCode);
    }
}
