using System.Net;
using FlashSale.Tests.Infrastructure;

namespace FlashSale.Tests.Web;

/// <summary>
/// The sign-in and register forms go back to <c>returnUrl</c> only when it is a path on this site in visible ASCII.
/// One with a control character, a space or a non-ASCII character is not (the framework's redirect refuses control
/// characters, Kestrel a Location header that is not ASCII): the buyer lands on the front page, signed in, instead of
/// a 500 after the account was already made. A real socket, because only Kestrel checks response headers.
/// </summary>
public sealed class AccountPagesReturnUrlTests() : AdminAppTest(new TestApp(realSocket: true))
{
    public static TheoryData<string> UnsafeReturns => new()
    {
        "/\tx", "/\nx", "/\u0085x", "/orders\u007f",
        "/\u00e9", "/\u200b", "/orders?q=\u00fc", "/\ud83d\ude00", "/a b",
    };

    [Theory]
    [MemberData(nameof(UnsafeReturns))]
    public async Task Register_WithAnUnsafeReturnUrl_GoesToTheFrontPage_SignedIn(string returnUrl)
    {
        var username = NewUsername();

        using var response = await PostFormAsync("/register", username, returnUrl);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/", response.Headers.Location?.OriginalString);
        Assert.True(SetsSignInCookie(response), "the new account is signed in");
        Assert.NotEmpty(await Admin.Anonymous().TokenAsync(username, Password)); // and it exists
    }

    [Theory]
    [MemberData(nameof(UnsafeReturns))]
    public async Task SignIn_WithAnUnsafeReturnUrl_GoesToTheFrontPage_SignedIn(string returnUrl)
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

    [Fact]
    public async Task ProtectedPage_WithNonAsciiInItsQuery_RedirectsToSignInWithAnEncodedReturnUrl()
    {
        using var response = await Browser.Open(App).Http.GetAsync("/orders?q=%C3%A9%E2%80%8B");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        // The cookie scheme's own redirect escapes the address it carries: the header stays ASCII.
        Assert.EndsWith("/login?ReturnUrl=%2Forders%3Fq%3D%25C3%25A9%25E2%2580%258B", response.Headers.Location?.OriginalString, StringComparison.Ordinal);
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
