using System.Net;
using System.Net.Http.Json;
using FlashSale.Accounts;
using FlashSale.Tests.Infrastructure;

namespace FlashSale.Tests.Security;

/// <summary>
/// Device cookies (OWASP): until 2026-12-06 anyone could keep an account's sign-in refused, the admin's included, by
/// failing ten times every five minutes from anywhere (<c>sign-in-per-account</c> counts per username). A client that
/// signed in before now carries a cookie for that username, and its sign-ins are counted against its own allowance:
/// the attacker's failures spend the account's, not the owner's device's. Distributed, either instance accepts the
/// other's cookie (the key is derived from the shared signing key).
/// </summary>
public sealed class DeviceCookieTests
{
    private const string Password = "right-password-1";

    [Theory]
    [InlineData(StorageKind.Embedded)]
    [InlineData(StorageKind.Redis)]
    public async Task AnAttackersFailures_DoNotLockOutADeviceThatSignedInBefore_OnEitherInstance(StorageKind kind)
    {
        await using var first = App(kind);
        first.StartServer();
        var second = kind == StorageKind.Embedded ? null : App(kind, first.Storage);
        try
        {
            second?.StartServer();
            using var one = Client(first);
            using var two = Client(second ?? first);
            var suffix = Guid.NewGuid().ToString("N")[..8];
            var (victim, bystander) = ("victim-" + suffix, "bystander-" + suffix);
            await RegisterAsync(one, victim);
            await RegisterAsync(one, bystander);

            // The owner signs in once on the first instance; a bystander on the same browser too (a cookie for another name).
            var device = await DeviceCookieAsync(one, victim);
            var bystanders = await DeviceCookieAsync(one, bystander);
            Assert.DoesNotContain(victim, device, StringComparison.OrdinalIgnoreCase);
            await SignInThrottleTests.GivenBackAsync(first, victim);

            // The attacker, without a cookie, from both instances: ten failures, then the username's allowance is spent.
            for (var i = 0; i < 10; i++)
            {
                using var guess = await SignInAsync(i % 2 == 0 ? one : two, victim, "wrong-guess-" + i, cookie: null);
                Assert.Equal(HttpStatusCode.Unauthorized, guess.StatusCode);
            }

            using (var refused = await SignInAsync(two, victim, Password, cookie: null))
            {
                Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
                Assert.Null(DeviceCookieOf(refused));
            }

            // A cookie that is not this device's for this username is none: throttled with the account, never an error.
            foreach (var forged in Forgeries(device).Append(bystanders))
            {
                using var refused = await SignInAsync(two, victim, Password, forged);
                Assert.True(refused.StatusCode == HttpStatusCode.TooManyRequests, $"{forged}: {refused.StatusCode}");
                Assert.Equal("rate_limited", await Api.ReasonAsync(refused));
            }

            // The owner's device, on the other instance (any case of the name): signed in, its cookie renewed with its id.
            foreach (var name in new[] { victim, victim.ToUpperInvariant() })
            {
                using var signedIn = await SignInAsync(two, name, Password, device);
                await Api.EnsureAsync(signedIn, HttpStatusCode.OK);
                Assert.Equal(IdOf(device), IdOf(DeviceCookieOf(signedIn)!));
            }

            // Its cookie lets nothing else in: it is no sign-in.
            using var me = await SendAsync(two, HttpMethod.Get, "/api/v1/me/orders", null, device);
            Assert.Equal(HttpStatusCode.Unauthorized, me.StatusCode);
        }
        finally
        {
            if (second is not null)
            {
                await second.DisposeAsync();
            }
        }
    }

    /// <summary>
    /// A device's own allowance is the rule's, no more: its successful sign-ins are given back to it (twelve use up
    /// nothing), and with its cookie ten failures refuse it, and only it.
    /// </summary>
    [Theory]
    [InlineData(StorageKind.Embedded)]
    [InlineData(StorageKind.Redis)]
    public async Task ADevicesOwnFailures_AreBoundedByTheRule_AndLeaveTheUsernamesAllowance(StorageKind kind)
    {
        await using var app = App(kind);
        app.StartServer();
        using var client = Client(app);
        var user = "owner-" + Guid.NewGuid().ToString("N")[..8];
        await RegisterAsync(client, user);
        var device = await DeviceCookieAsync(client, user);
        for (var i = 0; i < 12; i++)
        {
            using var signedIn = await SignInAsync(client, user, Password, device);
            await Api.EnsureAsync(signedIn, HttpStatusCode.OK);
            await SignInThrottleTests.GivenBackAsync(app, user, IdOf(device));
        }

        for (var i = 0; i < 10; i++)
        {
            using var guess = await SignInAsync(client, user, "wrong-guess-" + i, device);
            Assert.Equal(HttpStatusCode.Unauthorized, guess.StatusCode);
        }

        using (var refused = await SignInAsync(client, user, Password, device))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
            Assert.Equal("rate_limited", await Api.ReasonAsync(refused));
        }

        using var elsewhere = await SignInAsync(client, user, Password, cookie: null);
        await Api.EnsureAsync(elsewhere, HttpStatusCode.OK);
    }

    /// <summary>
    /// The sign-in form gives the browser its device cookie, signing out keeps it, and it lets that browser sign in while
    /// an attacker keeps the username's allowance spent; a browser without it (or with another name's) is refused.
    /// </summary>
    [Theory]
    [InlineData(StorageKind.Embedded)]
    [InlineData(StorageKind.Redis)]
    public async Task TheSignInForm_GivesADeviceCookie_ThatOutlivesSignOut_AndOutlastsAnAttack(StorageKind kind)
    {
        await using var app = App(kind);
        app.StartServer();
        using var api = Client(app);
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var (victim, bystander) = ("victim-" + suffix, "bystander-" + suffix);
        await RegisterAsync(api, victim);
        await RegisterAsync(api, bystander);

        var (owner, ownerCookies) = OpenBrowser(app);
        await owner.SignInAsync(victim, Password);
        Assert.NotNull(ownerCookies.GetAllCookies()[DeviceCookies.CookieName]);
        using (var signedOut = await owner.SubmitAsync("/", "/logout", []))
        {
            Assert.Equal(HttpStatusCode.Redirect, signedOut.StatusCode);
        }

        var cookies = ownerCookies.GetAllCookies();
        Assert.Null(cookies["flashsale.auth"]);
        Assert.NotNull(cookies[DeviceCookies.CookieName]);

        // A browser where only the bystander signed in.
        var (other, _) = OpenBrowser(app);
        await other.SignInAsync(bystander, Password);
        await SignInThrottleTests.GivenBackAsync(app, victim);

        for (var i = 0; i < 10; i++)
        {
            using var guess = await SignInAsync(api, victim, "wrong-guess-" + i, cookie: null);
            Assert.Equal(HttpStatusCode.Unauthorized, guess.StatusCode);
        }

        var fields = new Dictionary<string, string> { ["username"] = victim, ["password"] = Password, ["returnUrl"] = "" };
        foreach (var refusedBrowser in new[] { OpenBrowser(app).Browser, other })
        {
            using var refused = await refusedBrowser.SubmitAsync("/login", "/login", fields);
            Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
            Assert.Contains("Too many sign-ins for this username", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using var signedIn = await owner.SubmitAsync("/login", "/login", fields);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.Equal("/", signedIn.Headers.Location?.OriginalString);
    }

    /// <summary>The cookie as the API's sign-in sets it: HttpOnly, SameSite=Strict, the whole site, 180 days.</summary>
    private static async Task<string> DeviceCookieAsync(HttpClient client, string username)
    {
        using var response = await SignInAsync(client, username, Password, cookie: null);
        await Api.EnsureAsync(response, HttpStatusCode.OK);
        var header = Assert.Single(response.Headers.GetValues("Set-Cookie"), h => h.StartsWith(DeviceCookies.CookieName + "=", StringComparison.Ordinal));
        var attributes = header.Split(';', StringSplitOptions.TrimEntries).Skip(1).Select(a => a.ToLowerInvariant()).ToList();
        Assert.Contains("httponly", attributes);
        Assert.Contains("samesite=strict", attributes);
        Assert.Contains("path=/", attributes);
        Assert.Contains($"max-age={(int)TimeSpan.FromDays(180).TotalSeconds}", attributes);
        return DeviceCookieOf(response)!;
    }

    private static string? DeviceCookieOf(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Set-Cookie", out var headers)
            ? headers.Select(h => h.Split(';')[0]).Where(c => c.StartsWith(DeviceCookies.CookieName + "=", StringComparison.Ordinal))
                .Select(c => c[(DeviceCookies.CookieName.Length + 1)..]).SingleOrDefault()
            : null;

    private static string IdOf(string cookie) => cookie.Split('.')[2];

    /// <summary>The cookie changed in each of its parts (first characters: a last one may only hold padding bits), and junk.</summary>
    private static IEnumerable<string> Forgeries(string cookie)
    {
        var parts = cookie.Split('.');
        for (var i = 0; i < parts.Length; i++)
        {
            var changed = (string[])parts.Clone();
            changed[i] = (changed[i][0] == '1' ? '2' : changed[i][0] == 'A' ? 'B' : changed[i][0] == 'v' ? 'w' : 'A') + changed[i][1..];
            yield return string.Join('.', changed);
        }

        yield return string.Join('.', parts[0], parts[1], parts[2]);
        yield return string.Join('.', parts[0], parts[1], parts[2] + "AA", parts[3]);
        yield return cookie + "." + parts[3];
        yield return "";
        yield return "v1....";
        yield return "v1.99999999999999999999." + parts[2] + "." + parts[3];
        yield return new string('A', 4000);
    }

    private static TestApp App(StorageKind kind, TestStorage? storage = null) => new(realSocket: true, kind: kind, storage: storage,
        settings: new Dictionary<string, string?>
        {
            ["RateLimiting:Rules:per-ip:PermitLimit"] = "100000",
            ["RateLimiting:Rules:auth-per-ip:PermitLimit"] = "100000",
        });

    /// <summary>A client that keeps no cookies: each request carries exactly the device cookie it is given.</summary>
    private static HttpClient Client(TestApp app) =>
        new(new SocketsHttpHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = app.CreateClient().BaseAddress };

    private static (Browser Browser, CookieContainer Cookies) OpenBrowser(TestApp app)
    {
        var cookies = new CookieContainer();
        var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, CookieContainer = cookies })
        {
            BaseAddress = app.CreateClient().BaseAddress,
        };
        return (new Browser(http), cookies);
    }

    private static async Task RegisterAsync(HttpClient client, string username)
    {
        using var registered = await client.PostAsJsonAsync("/api/v1/accounts", new { username, password = Password });
        await Api.EnsureAsync(registered, HttpStatusCode.Created);
    }

    private static Task<HttpResponseMessage> SignInAsync(HttpClient client, string username, string password, string? cookie) =>
        SendAsync(client, HttpMethod.Post, "/api/v1/auth/token", JsonContent.Create(new { username, password }), cookie);

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string path, HttpContent? content,
        string? cookie)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        if (cookie is not null)
        {
            request.Headers.Add("Cookie", $"{DeviceCookies.CookieName}={cookie}");
        }

        return await client.SendAsync(request);
    }
}
