using System.Net;
using FlashSale.Tests.Infrastructure;

namespace FlashSale.Tests.Web;

/// <summary>
/// The sign-in and register forms go back to <c>returnUrl</c> only when it is a path on this site. One with a
/// control character is not (the framework's redirect refuses it): the buyer lands on the front page, signed in,
/// instead of a 500 after the account was already made.
/// </summary>
public sealed class AccountPagesReturnUrlTests() : AdminAppTest(new TestApp())
{
    public static TheoryData<string> ControlCharacterReturns => new() { "/\tx", "/\nx", "/\u0085x", "/orders\u007f" };

    [Theory]
    [MemberData(nameof(ControlCharacterReturns))]
    public async Task Register_WithAControlCharacterInReturnUrl_GoesToTheFrontPage_SignedIn(string returnUrl)
    {
        var username = NewUsername();

        using var response = await PostFormAsync("/register", username, returnUrl);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/", response.Headers.Location?.OriginalString);
        Assert.True(SetsSignInCookie(response), "the new account is signed in");
        Assert.NotEmpty(await Admin.Anonymous().TokenAsync(username, Password)); // and it exists
    }

    [Theory]
    [MemberData(nameof(ControlCharacterReturns))]
    public async Task SignIn_WithAControlCharacterInReturnUrl_GoesToTheFrontPage_SignedIn(string returnUrl)
    {
        var username = NewUsername();
        using (var registered = await Admin.Anonymous().PostAsJsonAsync("/api/v1/accounts", new { username, password = Password }))
        {
            await Api.EnsureAsync(registered, HttpStatusCode.Created);
        }

        using var response = await PostFormAsync("/login", username, returnUrl);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/", response.Headers.Location?.OriginalString);
        Assert.True(SetsSignInCookie(response));
    }

    [Fact]
    public async Task Register_WithALocalReturnUrl_GoesThere()
    {
        using var response = await PostFormAsync("/register", NewUsername(), "/orders?x=1");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/orders?x=1", response.Headers.Location?.OriginalString);
    }

    private const string Password = "buyer-password-1";

    private static string NewUsername() => $"u{Guid.NewGuid():N}"[..20];

    /// <summary>As a browser does: the form page first (antiforgery cookie and token), then the post.</summary>
    private Task<HttpResponseMessage> PostFormAsync(string path, string username, string returnUrl) =>
        Browser.Open(App).SubmitAsync(path, path, new() { ["username"] = username, ["password"] = Password, ["returnUrl"] = returnUrl });

    private static bool SetsSignInCookie(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Set-Cookie", out var cookies)
        && cookies.Any(c => c.StartsWith("flashsale.auth=", StringComparison.Ordinal));
}
