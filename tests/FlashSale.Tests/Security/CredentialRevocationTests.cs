using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using FlashSale.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;

namespace FlashSale.Tests.Security;

public sealed class CredentialRevocationOnEmbedded() : CredentialRevocationTests(StorageKind.Embedded);

public sealed class CredentialRevocationOnRedis() : CredentialRevocationTests(StorageKind.Redis);

/// <summary>
/// G8 over time: a sign-in lasts only as long as the credentials it was made with. A changed admin password
/// (Admin:Password, rotated at start) and a changed admin name (Admin:Username) end the cookies and bearer tokens
/// issued before, on the record of either store (each account's credential stamp, carried by them).
/// </summary>
public abstract class CredentialRevocationTests(StorageKind kind)
{
    private const string NewPassword = "rotated-admin-password-2";

    [Fact]
    public async Task ARotatedAdminPassword_EndsTheCookiesAndTokensIssuedBefore()
    {
        await using var storage = TestStorage.Create(kind);
        string cookie, adminToken, buyerToken;
        await using (var first = new TestApp(storage: storage))
        {
            cookie = await SignInCookieAsync(first, "admin", TestApp.AdminPassword);
            var admin = await Api.AsAdminAsync(first.CreateClient());
            adminToken = admin.Token!;
            buyerToken = (await admin.MintBuyersAsync(1))[0].Token;
            Assert.Equal(HttpStatusCode.OK, (await GetAsync(first, "/admin", cookie)).StatusCode);
        }

        // The same password at the next start: everything issued before still works.
        await using (var same = new TestApp(storage: storage))
        {
            Assert.Equal(HttpStatusCode.OK, (await GetAsync(same, "/admin", cookie)).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await ReconcileWithCookieAsync(same, cookie)).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await GetAsync(same, "/api/v1/admin/sales", bearer: adminToken)).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await GetAsync(same, "/api/v1/me/orders", bearer: buyerToken)).StatusCode);
        }

        await using var rotated = new TestApp(storage: storage, settings: new Dictionary<string, string?> { ["Admin:Password"] = NewPassword });
        using var page = await GetAsync(rotated, "/admin", cookie);
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.EndsWith("/login?ReturnUrl=%2Fadmin", page.Headers.Location?.OriginalString, StringComparison.Ordinal);
        Assert.Contains(page.Headers.GetValues("Set-Cookie"), c => c.StartsWith("flashsale.auth=;", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.Unauthorized, (await ReconcileWithCookieAsync(rotated, cookie)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsync(rotated, "/api/v1/admin/sales", bearer: adminToken)).StatusCode);
        // Synthetic buyers live on the credentials of the admin who minted them.
        Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsync(rotated, "/api/v1/me/orders", bearer: buyerToken)).StatusCode);

        // The new password signs in and its cookie and token work.
        var fresh = await SignInCookieAsync(rotated, "admin", NewPassword);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(rotated, "/admin", fresh)).StatusCode);
        var admin2 = new Api(rotated.CreateClient());
        var token = await admin2.TokenAsync("admin", NewPassword);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(rotated, "/api/v1/admin/sales", bearer: token)).StatusCode);
        var buyer = (await admin2.WithToken(token).MintBuyersAsync(1))[0].Token;
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(rotated, "/api/v1/me/orders", bearer: buyer)).StatusCode);
    }

    [Fact]
    public async Task AChangedAdminUsername_RetiresTheOldAdmin_UntilItIsConfiguredAgain()
    {
        await using var storage = TestStorage.Create(kind);
        string cookie, adminToken;
        await using (var first = new TestApp(storage: storage))
        {
            cookie = await SignInCookieAsync(first, "admin", TestApp.AdminPassword);
            adminToken = (await Api.AsAdminAsync(first.CreateClient())).Token!;
        }

        var renamed = new Dictionary<string, string?> { ["Admin:Username"] = "chief", ["Admin:Password"] = NewPassword };
        await using (var second = new TestApp(storage: storage, settings: renamed))
        {
            Assert.Equal(HttpStatusCode.Redirect, (await GetAsync(second, "/admin", cookie)).StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsync(second, "/api/v1/admin/sales", bearer: adminToken)).StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, await TokenStatusAsync(second, "admin", TestApp.AdminPassword));
            Assert.Equal(HttpStatusCode.Unauthorized, await SignInFormStatusAsync(second, "admin", TestApp.AdminPassword));
            Assert.Equal(HttpStatusCode.OK, await TokenStatusAsync(second, "chief", NewPassword));
            var token = await new Api(second.CreateClient()).TokenAsync("chief", NewPassword);
            Assert.Equal(HttpStatusCode.OK, (await GetAsync(second, "/api/v1/admin/sales", bearer: token)).StatusCode);
        }

        // Named again, the old admin is the admin again, and the name used meanwhile is retired in turn.
        await using var third = new TestApp(storage: storage);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(third, "/api/v1/admin/sales", bearer: (await Api.AsAdminAsync(third.CreateClient())).Token)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, await TokenStatusAsync(third, "chief", NewPassword));
    }

    /// <summary>Signs in through the form and returns the sign-in cookie as a Cookie header value.</summary>
    internal static async Task<string> SignInCookieAsync(TestApp app, string username, string password)
    {
        using var response = await Browser.Open(app).SubmitAsync("/login", "/login",
            new() { ["username"] = username, ["password"] = password, ["returnUrl"] = "" });
        await Api.EnsureAsync(response, HttpStatusCode.Redirect);
        return response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("flashsale.auth=", StringComparison.Ordinal)).Split(';')[0];
    }

    internal static async Task<HttpResponseMessage> GetAsync(TestApp app, string path, string? cookie = null, string? bearer = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        return await SendAsync(app, request, cookie, bearer);
    }

    private static async Task<HttpResponseMessage> ReconcileWithCookieAsync(TestApp app, string cookie)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/admin/reconcile");
        request.Headers.Add("X-Requested-With", "fetch");
        return await SendAsync(app, request, cookie, null);
    }

    private static async Task<HttpResponseMessage> SendAsync(TestApp app, HttpRequestMessage request, string? cookie, string? bearer)
    {
        // No cookie jar, no redirects: the request carries exactly the cookie given.
        var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        if (cookie is not null)
        {
            request.Headers.Add("Cookie", cookie);
        }

        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        return await client.SendAsync(request);
    }

    private static async Task<HttpStatusCode> TokenStatusAsync(TestApp app, string username, string password)
    {
        using var response = await app.CreateClient().PostAsJsonAsync("/api/v1/auth/token", new { username, password });
        return response.StatusCode;
    }

    private static async Task<HttpStatusCode> SignInFormStatusAsync(TestApp app, string username, string password)
    {
        using var response = await Browser.Open(app).SubmitAsync("/login", "/login",
            new() { ["username"] = username, ["password"] = password, ["returnUrl"] = "" });
        return response.StatusCode == HttpStatusCode.Redirect ? HttpStatusCode.OK : response.StatusCode;
    }
}
