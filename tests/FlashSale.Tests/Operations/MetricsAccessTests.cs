using System.Net;
using FlashSale.Tests.Infrastructure;

namespace FlashSale.Tests.Operations;

/// <summary>
/// <c>/metrics</c> answers the operator's scraper only (Network:MetricsClients; loopback and the private networks unless
/// set): until 2026-12-07 a server with no proxy in front showed anyone its purchases by outcome, its failed sign-ins and
/// its admin routes' traffic (an audit). Judged on the client a trusted proxy names; anyone else gets the 404 an unknown
/// address gets.
/// </summary>
public sealed class MetricsAccessTests
{
    [Theory]
    [InlineData("127.0.0.1", HttpStatusCode.OK)]
    [InlineData("10.1.2.3", HttpStatusCode.OK)]
    [InlineData("172.20.0.9", HttpStatusCode.OK)]
    [InlineData("192.168.1.20", HttpStatusCode.OK)]
    [InlineData("fd00::7", HttpStatusCode.OK)]
    [InlineData("203.0.113.5", HttpStatusCode.NotFound)]
    [InlineData("172.32.0.1", HttpStatusCode.NotFound)]
    [InlineData("2001:db8::1", HttpStatusCode.NotFound)]
    public async Task ByDefault_OnlyLoopbackAndPrivateClients_ReadTheMetrics(string client, HttpStatusCode expected)
    {
        await using var app = BehindProxy();
        using var http = app.CreateClient();

        using var metrics = await GetAsync(http, "/metrics", client);
        using var probe = await GetAsync(http, "/health/live", client);

        Assert.Equal(expected, metrics.StatusCode);
        Assert.Equal(HttpStatusCode.OK, probe.StatusCode);
        if (expected == HttpStatusCode.NotFound)
        {
            Assert.Equal("application/problem+json", metrics.Content.Headers.ContentType?.MediaType);
            Assert.DoesNotContain("flashsale_", await metrics.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            using var trailing = await GetAsync(http, "/METRICS/", client);
            Assert.Equal(HttpStatusCode.NotFound, trailing.StatusCode);
        }
        else
        {
            Assert.Contains("# TYPE", await metrics.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task MetricsClients_NameWhoMayRead_AndNobodyElse()
    {
        await using var app = BehindProxy(new() { ["Network:MetricsClients:0"] = "198.51.100.0/24" });
        using var http = app.CreateClient();

        using var scraper = await GetAsync(http, "/metrics", "198.51.100.44");
        using var inside = await GetAsync(http, "/metrics", "10.0.0.1");

        Assert.Equal(HttpStatusCode.OK, scraper.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, inside.StatusCode);
    }

    [Fact]
    public async Task BehindAProxyThatIsNotTrusted_NobodyReadsTheMetrics()
    {
        // A load balancer on a private address in front, Network:TrustedProxies unset: every client's peer is private, but
        // the forwarded header it added says the request came from elsewhere.
        await using var app = new TestApp(settings: new Dictionary<string, string?> { ["RateLimiting:Enabled"] = "false" });
        using var http = app.CreateClient();

        using var forwarded = await GetAsync(http, "/metrics", "203.0.113.5");
        var standard = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        standard.Headers.Add("Forwarded", "for=203.0.113.5");
        using var rfc7239 = await http.SendAsync(standard);
        using var direct = await http.GetAsync("/metrics");

        Assert.Equal(HttpStatusCode.NotFound, forwarded.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, rfc7239.StatusCode);
        Assert.Equal(HttpStatusCode.OK, direct.StatusCode);
    }

    [Fact]
    public async Task AMetricsClientThatIsNoAddress_StopsTheStart_NamingTheSetting()
    {
        await using var app = BehindProxy(new() { ["Network:MetricsClients:0"] = "inside" });

        var error = await Assert.ThrowsAnyAsync<Exception>(async () => { using var _ = app.CreateClient(); await Task.CompletedTask; });

        Assert.Contains("Network:MetricsClients", error.ToString(), StringComparison.Ordinal);
    }

    private static TestApp BehindProxy(Dictionary<string, string?>? settings = null)
    {
        var all = new Dictionary<string, string?>
        {
            ["Network:TrustedProxies:0"] = "127.0.0.1",
            ["Network:TrustedProxies:1"] = "::1",
            ["RateLimiting:Enabled"] = "false",
        };
        foreach (var (key, value) in settings ?? [])
        {
            all[key] = value;
        }

        return new TestApp(settings: all);
    }

    private static Task<HttpResponseMessage> GetAsync(HttpClient http, string path, string client)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("X-Forwarded-For", client);
        return http.SendAsync(request);
    }
}
