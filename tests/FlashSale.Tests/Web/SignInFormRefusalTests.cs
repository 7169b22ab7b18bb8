using System.Net;
using FlashSale.Accounts;
using FlashSale.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace FlashSale.Tests.Web;

/// <summary>
/// The sign-in and register forms refused before the password is checked — the account's failed sign-ins over
/// <c>sign-in-per-account</c> (429), no password-hashing turn in time (503) — come back as the form with its message and
/// Retry-After, as a rate-limited form does, not the API's problem JSON.
/// </summary>
public sealed class SignInFormRefusalTests() : AdminAppTest(new TestApp(settings: new Dictionary<string, string?>
{
    ["Auth:PasswordHashing:MaxConcurrency"] = "1",
    ["Auth:PasswordHashing:MaxWait"] = "00:00:00.050",
}))
{
    [Fact]
    public async Task ThrottledAccount_TheFormSaysSo_TheRightPasswordToo()
    {
        var username = "formvictim-" + Guid.NewGuid().ToString("N")[..8];
        using (var registered = await Admin.Anonymous().PostAsJsonAsync("/api/v1/accounts", new { username, password = "buyer-password-1" }))
        {
            await Api.EnsureAsync(registered, HttpStatusCode.Created);
        }

        var browser = Browser.Open(App);
        for (var i = 0; i < 10; i++)
        {
            using var wrong = await browser.SubmitAsync("/login", "/login", Fields(username, "wrong-guess-" + i));
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }

        using var refused = await browser.SubmitAsync("/login", "/login", Fields(username, "buyer-password-1"));
        await AssertFormPageAsync(refused, HttpStatusCode.TooManyRequests, "Too many sign-ins for this username", "/login");
    }

    [Fact]
    public async Task NoHashingTurn_TheFormsSayTheServerIsBusy()
    {
        var browser = Browser.Open(App);
        var hashing = App.Services.GetRequiredService<PasswordHashing>();
        await using (await hashing.HoldAsync())
        {
            using var signIn = await browser.SubmitAsync("/login", "/login", Fields("admin", TestApp.AdminPassword));
            await AssertFormPageAsync(signIn, HttpStatusCode.ServiceUnavailable, "The server is busy signing people in", "/login");
            using var register = await browser.SubmitAsync("/register", "/register",
                Fields("busy-" + Guid.NewGuid().ToString("N")[..8], "buyer-password-1"));
            await AssertFormPageAsync(register, HttpStatusCode.ServiceUnavailable, "The server is busy signing people in", "/register");
        }

        using var later = await browser.SubmitAsync("/login", "/login", Fields("admin", TestApp.AdminPassword));
        Assert.Equal(HttpStatusCode.Redirect, later.StatusCode);
    }

    private static Dictionary<string, string> Fields(string username, string password) =>
        new() { ["username"] = username, ["password"] = password, ["returnUrl"] = "" };

    private static async Task AssertFormPageAsync(HttpResponseMessage response, HttpStatusCode status, string message, string action)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.NotNull(response.Headers.RetryAfter);
        var page = await response.Content.ReadAsStringAsync();
        Assert.Contains(message, page, StringComparison.Ordinal);
        Assert.Contains($"action=\"{action}\"", page, StringComparison.Ordinal);
        // A new page for the refusal: its title says so first, its message takes the focus (read by a screen reader).
        Assert.Matches("<title>Error: (Sign in|Create an account) · FlashSale</title>", page);
        Assert.Contains("role=\"alert\" tabindex=\"-1\" autofocus id=\"form-error\">", page, StringComparison.Ordinal);
    }
}
