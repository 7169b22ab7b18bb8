using System.Net;
using FlashSale.RateLimiting;
using FlashSale.Storage.Redis;
using FlashSale.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace FlashSale.Tests.RateLimiting;

/// <summary>Rate limits as a client meets them: 429 problem+json with Retry-After, per user and per client address.</summary>
public sealed class RateLimitHttpTests
{
    [Fact]
    public async Task OneUserThousandParallelPurchases_GetsExactlyItsLimit_AndTheRestAre429()
    {
        // A clock that stands still: the per-user window cannot slide during the test, so the counts are exact.
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        await using var app = new TestApp(realSocket: true, clock: clock, settings: new Dictionary<string, string?>
        {
            ["RateLimiting:Rules:purchase-per-user:PermitLimit"] = "20",
            ["RateLimiting:Rules:per-ip:PermitLimit"] = "100000",
        });
        app.StartServer();
        var admin = await Api.AsAdminAsync(app.CreateClient());
        var saleId = (await admin.CreateSaleAsync(stock: 100, perUserLimit: 2))["id"]!.GetValue<string>();
        var (userId, token) = (await admin.MintBuyersAsync(1))[0];
        var buyer = admin.WithToken(token);

        using var gate = new SemaphoreSlim(100);
        var results = await Task.WhenAll(Enumerable.Range(0, 1000).Select(async i =>
        {
            await gate.WaitAsync();
            try
            {
                using var response = await buyer.PurchaseAsync(saleId, key: $"attempt-{i}");
                var reason = response.IsSuccessStatusCode ? null : await Api.ReasonAsync(response);
                return (response.StatusCode, Reason: reason, RetryAfter: response.Headers.RetryAfter?.Delta);
            }
            finally
            {
                gate.Release();
            }
        }));

        Assert.DoesNotContain(results, r => (int)r.StatusCode >= 500);
        Assert.Equal(2, results.Count(r => r.StatusCode == HttpStatusCode.Created));
        Assert.Equal(18, results.Count(r => r.StatusCode == HttpStatusCode.Conflict && r.Reason == "limit_reached"));
        var limited = results.Where(r => r.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        Assert.Equal(980, limited.Count);
        Assert.All(limited, r =>
        {
            Assert.Equal("rate_limited", r.Reason);
            Assert.NotNull(r.RetryAfter);
            Assert.InRange(r.RetryAfter!.Value, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(2));
        });
        var orders = await admin.AllOrdersAsync(saleId);
        Assert.Equal(2, orders.Count);
        Assert.All(orders, o => Assert.Equal(userId, o["userId"]!.GetValue<string>()));
    }

    [Fact]
    public async Task SeedPreset_FiftyBuyersOneAttemptEach_IsNeverRateLimitedByTheDefaults()
    {
        await using var app = new TestApp(realSocket: true);
        app.StartServer();
        var admin = await Api.AsAdminAsync(app.CreateClient());
        var saleId = (await admin.CreateSaleAsync(stock: 10))["id"]!.GetValue<string>();
        var buyers = await admin.MintBuyersAsync(50);

        // Every buyer from one address (one NAT), as a browser would: the sale, the attempt, the orders.
        var statuses = await Task.WhenAll(buyers.Select(async b =>
        {
            var api = admin.WithToken(b.Token);
            using var sale = await api.GetAsync($"/api/v1/sales/{saleId}");
            using var attempt = await api.PurchaseAsync(saleId, key: Guid.NewGuid().ToString("N"));
            using var mine = await api.GetAsync("/api/v1/me/orders");
            return new[] { sale.StatusCode, attempt.StatusCode, mine.StatusCode };
        }));

        Assert.DoesNotContain(HttpStatusCode.TooManyRequests, statuses.SelectMany(s => s));
        Assert.Equal(10, statuses.Count(s => s[1] == HttpStatusCode.Created));
    }

    [Fact]
    public async Task ForwardedFor_FromAnUntrustedPeer_IsIgnored()
    {
        await using var app = PerIpApp(trustedProxies: null);
        var api = new Api(app.CreateClient());

        var statuses = new List<HttpStatusCode>();
        foreach (var forged in new[] { "1.1.1.1", "2.2.2.2", "3.3.3.3", "4.4.4.4" })
        {
            using var response = await api.SendAsync(HttpMethod.Get, "/api/v1/sales", configure: r => r.Headers.Add("X-Forwarded-For", forged));
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                Assert.Equal("rate_limited", await Api.ReasonAsync(response));
                Assert.NotNull(response.Headers.RetryAfter?.Delta);
            }
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses);
    }

    [Fact]
    public async Task ForwardedFor_FromATrustedProxy_IsTheClient()
    {
        await using var app = PerIpApp(trustedProxies: ["127.0.0.1", "::1"]);
        var api = new Api(app.CreateClient());

        async Task<HttpStatusCode> From(string client)
        {
            using var response = await api.SendAsync(HttpMethod.Get, "/api/v1/sales", configure: r => r.Headers.Add("X-Forwarded-For", client));
            return response.StatusCode;
        }

        var distinct = new[] { await From("1.1.1.1"), await From("2.2.2.2"), await From("3.3.3.3"), await From("4.4.4.4") };
        // A client's own X-Forwarded-For entry is not believed: only the hop the trusted proxy appended.
        var same = new[] { await From("6.6.6.6, 5.5.5.5"), await From("7.7.7.7, 5.5.5.5"), await From("5.5.5.5"), await From("8.8.8.8, 5.5.5.5") };
        // One IPv6 client is its whole /64.
        var v6 = new[] { await From("2001:db8:1:2::1"), await From("2001:db8:1:2::2"), await From("2001:db8:1:2:ffff::3"), await From("2001:db8:1:2::4") };

        Assert.All(distinct, s => Assert.Equal(HttpStatusCode.OK, s));
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], same);
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], v6);
    }

    [Fact]
    public async Task Registrations_AreLimitedPerAddress_AndSignInsAndOtherAddressesAreNot()
    {
        // Until 2026-12-07 only auth-per-ip (60 a minute, shared with sign-ins) counted them: one address made a buyer a
        // second, and bought a sale's whole stock with them one unit each (an audit).
        await using var app = new TestApp(settings: new Dictionary<string, string?>
        {
            ["RateLimiting:Rules:register-per-ip:PermitLimit"] = "3",
            ["RateLimiting:Rules:auth-per-ip:PermitLimit"] = "100000",
            ["RateLimiting:Rules:per-ip:PermitLimit"] = "100000",
            ["Network:TrustedProxies:0"] = "127.0.0.1",
            ["Network:TrustedProxies:1"] = "::1",
        });
        var api = new Api(app.CreateClient());
        async Task<HttpResponseMessage> Register(string name, string from) =>
            await api.SendAsync(HttpMethod.Post, "/api/v1/accounts",
                System.Net.Http.Json.JsonContent.Create(new { username = name, password = "correct-horse-1" }),
                r => r.Headers.Add("X-Forwarded-For", from));

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            using var response = await Register($"bulk-{i}", "203.0.113.7");
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                Assert.Equal("rate_limited", await Api.ReasonAsync(response));
                Assert.Contains("register-per-ip", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
                // Within the hour's window: how far within depends on where in it the test ran (a sliding window).
                Assert.InRange(response.Headers.RetryAfter!.Delta!.Value, TimeSpan.FromSeconds(1), TimeSpan.FromHours(2));
            }
        }

        Assert.Equal([HttpStatusCode.Created, HttpStatusCode.Created, HttpStatusCode.Created, HttpStatusCode.TooManyRequests], statuses);
        using (var elsewhere = await Register("bulk-elsewhere", "198.51.100.9"))
        {
            Assert.Equal(HttpStatusCode.Created, elsewhere.StatusCode);
        }

        using var signIn = await api.SendAsync(HttpMethod.Post, "/api/v1/auth/token",
            System.Net.Http.Json.JsonContent.Create(new { username = "bulk-0", password = "correct-horse-1" }),
            r => r.Headers.Add("X-Forwarded-For", "203.0.113.7"));
        Assert.Equal(HttpStatusCode.OK, signIn.StatusCode);
    }

    [Fact]
    public async Task HealthProbes_AreNotCounted()
    {
        await using var app = PerIpApp(trustedProxies: null);
        var client = app.CreateClient();

        for (var i = 0; i < 10; i++)
        {
            using var response = await client.GetAsync("/health/live");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }

    [Fact]
    public async Task AFailingLimiter_FailsClosedWith503()
    {
        // The sign-in's own throttle (sign-ins per account) uses the limiter too: off, so the admin can sign in.
        await using var app = new TestApp(settings: new Dictionary<string, string?> { ["RateLimiting:Rules:sign-in-per-account:Enabled"] = "false" });
        await using var broken = app.WithWebHostBuilder(b => b.ConfigureTestServices(s =>
            s.AddSingleton<IRateLimiter, ThrowingLimiter>()));
        // In memory there is no client address, so only the per-user rule applies: a purchase meets it.
        var admin = await Api.AsAdminAsync(broken.CreateClient());
        var saleId = (await admin.CreateSaleAsync(stock: 5))["id"]!.GetValue<string>();
        var buyer = admin.WithToken((await admin.MintBuyersAsync(1))[0].Token);

        using var response = await buyer.PurchaseAsync(saleId);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("unavailable", await Api.ReasonAsync(response));
        // Refused before anything was decided: the detail says so, or a client (and the drill) must count it unknown.
        Assert.Contains("nothing was changed", await Api.DetailAsync(response), StringComparison.Ordinal);
        Assert.NotNull(response.Headers.RetryAfter);
        Assert.Empty(await admin.AllOrdersAsync(saleId));
    }

    [Fact]
    public async Task AFailingLimiter_SignInsFailClosedWith503()
    {
        await using var app = new TestApp();
        await using var broken = app.WithWebHostBuilder(b => b.ConfigureTestServices(s =>
            s.AddSingleton<IRateLimiter, ThrowingLimiter>()));

        // In memory there is no client address: no per-IP rule applies, only the account's failed sign-ins, uncountable.
        using var response = await new Api(broken.CreateClient()).PostAsJsonAsync("/api/v1/auth/token",
            new { username = "admin", password = TestApp.AdminPassword });

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("unavailable", await Api.ReasonAsync(response));
        Assert.NotNull(response.Headers.RetryAfter);
    }

    [Fact]
    public async Task AFailingLimiter_SendsAPagesFormBackToItsPage_WithItsMessage_NotTheProblemJson()
    {
        await using var app = new TestApp(settings: new Dictionary<string, string?> { ["RateLimiting:Rules:sign-in-per-account:Enabled"] = "false" });
        await using var broken = app.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton<IRateLimiter, ThrowingLimiter>()));
        // In memory there is no client address: signing in, registering and the admin's calls meet no rule; the buy form
        // meets purchase-per-user.
        var admin = await Api.AsAdminAsync(broken.CreateClient());
        var saleId = (await admin.CreateSaleAsync(stock: 5))["id"]!.GetValue<string>();
        const string password = "buyer-password-1";
        using (var registered = await admin.Anonymous().PostAsJsonAsync("/api/v1/accounts", new { username = "form-buyer", password }))
        {
            await Api.EnsureAsync(registered, HttpStatusCode.Created);
        }

        var browser = new Browser(broken.CreateClient(new WebApplicationFactoryClientOptions
        {
            AllowAutoRedirect = false, BaseAddress = app.ClientOptions.BaseAddress,
        }));
        await browser.SignInAsync("form-buyer", password);

        using var response = await browser.SubmitAsync($"/sales/{saleId}", $"/sales/{saleId}/buy",
            new() { ["quantity"] = "1", ["key"] = Guid.NewGuid().ToString("N") });

        // Until 2026-12-06 the form got the API's 503 problem+json as its page.
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal($"/sales/{saleId}?m=unavailable", response.Headers.Location?.OriginalString);
        Assert.NotNull(response.Headers.RetryAfter);
        var page = await browser.Http.GetStringAsync(response.Headers.Location!.OriginalString);
        Assert.Contains("nothing was bought", page, StringComparison.Ordinal);
        Assert.Empty(await admin.AllOrdersAsync(saleId));
    }

    [Fact]
    public void AddRedisRateLimiter_ReplacesTheLocalLimiter_InEitherOrder()
    {
        var before = new ServiceCollection().AddRedisRateLimiter().AddFlashSaleRateLimiting();
        var after = new ServiceCollection().AddFlashSaleRateLimiting().AddRedisRateLimiter();

        Assert.Equal(typeof(RedisRateLimiter), before.Single(d => d.ServiceType == typeof(IRateLimiter)).ImplementationType);
        Assert.Equal(typeof(RedisRateLimiter), after.Single(d => d.ServiceType == typeof(IRateLimiter)).ImplementationType);
    }

    /// <summary>Only the per-IP rule, three requests a minute: the seed systems' style, tightened for the test.</summary>
    private static TestApp PerIpApp(string[]? trustedProxies)
    {
        var settings = new Dictionary<string, string?>
        {
            ["RateLimiting:Rules:per-ip:PermitLimit"] = "3",
            ["RateLimiting:Rules:per-ip:Window"] = "00:01:00",
            ["RateLimiting:Rules:auth-per-ip:Enabled"] = "false",
            ["RateLimiting:Rules:purchase-per-user:Enabled"] = "false",
        };
        for (var i = 0; i < (trustedProxies?.Length ?? 0); i++)
        {
            settings[$"Network:TrustedProxies:{i}"] = trustedProxies![i];
        }

        var app = new TestApp(realSocket: true, settings: settings);
        app.StartServer();
        return app;
    }

    private sealed class ThrowingLimiter : IRateLimiter
    {
        public ValueTask<RateLimitDecision> AcquireAsync(RateLimitRule rule, string subject, CancellationToken ct) =>
            throw new InvalidOperationException("The store is down.");

        public void GiveBack(RateLimitRule rule, string subject, DateTimeOffset countedAt)
        {
        }
    }
}
