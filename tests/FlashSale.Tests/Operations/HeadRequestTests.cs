using System.Diagnostics;
using System.Net;
using FlashSale.Tests.Infrastructure;

namespace FlashSale.Tests.Operations;

/// <summary>
/// HEAD is GET without the body (RFC 9110 §9.3.2), for monitors, link checkers and <c>curl -I</c>: the same status and
/// headers as the GET, no body bytes on the wire, the same authentication and rate limits. Until 2026-12-06 every page
/// and API read answered HEAD with 405 (only health answered it). Real HTTP over a bare socket, so what Kestrel sends is
/// what is checked.
/// </summary>
public sealed class HeadRequestTests() : AdminAppTest(new TestApp(realSocket: true))
{
    private Uri Server => App.CreateClient().BaseAddress!;

    public static TheoryData<string> Reads() => new(
        "/api/v1/sales", "/api/v1/sales/{sale}", "/api/v1/sales/{sale}/stock", "/api/v1/sales/{sale}/leaderboard",
        "/", "/sales/{sale}", "/login", "/register", "/css/site.css", "/openapi/v1.json", "/health/live", "/health/ready",
        "/api/v1/sales/0190a1b2-0000-7000-8000-000000000000", "/no/such/page", "/api/v1/me/orders", "/orders");

    [Theory]
    [MemberData(nameof(Reads))]
    public async Task Head_AnswersAsGetDoes_WithoutABody(string template)
    {
        var sale = (await Admin.CreateSaleAsync(stock: 5))["id"]!.GetValue<string>();
        var path = template.Replace("{sale}", sale, StringComparison.Ordinal);

        var get = await RawHttp.SendAsync(Server, "GET", path, []);
        var head = await RawHttp.SendAsync(Server, "HEAD", path, []);

        Assert.NotEqual(405, get.Status);
        Assert.Equal(get.Status, head.Status);
        Assert.Equal(get.MediaType, head.MediaType);
        Assert.Equal("", head.Body);
        foreach (var name in new[] { "Cache-Control", "WWW-Authenticate", "Location", "X-Content-Type-Options", "Content-Security-Policy", "ETag" })
        {
            Assert.Equal(get.Headers.GetValueOrDefault(name), head.Headers.GetValueOrDefault(name));
        }
    }

    [Fact]
    public async Task HeadOfAnAdminRead_NeedsTheAdmin_AsGetDoes()
    {
        var sale = (await Admin.CreateSaleAsync(stock: 5))["id"]!.GetValue<string>();
        var client = App.CreateClient();

        using var anonymous = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/api/v1/admin/sales"));
        using var admin = await Admin.SendAsync(HttpMethod.Head, $"/api/v1/admin/sales/{sale}/orders.csv");

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.OK, admin.StatusCode);
        Assert.Equal("text/csv", admin.Content.Headers.ContentType?.MediaType);
        Assert.Empty(await admin.Content.ReadAsByteArrayAsync());
    }

    /// <summary>The live stream's headers, then the end: a HEAD is not held open for as long as the sale lasts.</summary>
    [Fact]
    public async Task HeadOfTheLiveStream_EndsWithItsHeaders()
    {
        var sale = (await Admin.CreateSaleAsync(stock: 5))["id"]!.GetValue<string>();

        var clock = Stopwatch.StartNew();
        var head = await RawHttp.SendAsync(Server, "HEAD", $"/api/v1/sales/{sale}/events", []).WaitAsync(TimeSpan.FromSeconds(20));
        var missing = await RawHttp.SendAsync(Server, "HEAD", "/api/v1/sales/0190a1b2-0000-7000-8000-000000000000/events", []);

        Assert.Equal(200, head.Status);
        Assert.Equal("text/event-stream", head.MediaType);
        Assert.Equal("", head.Body);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"HEAD of the stream took {clock.Elapsed}");
        Assert.Equal(404, missing.Status);
        Assert.Equal("application/problem+json", missing.MediaType);
    }

    /// <summary>A path only POST answers stays 405 for HEAD; a path GET answers lists HEAD among what it allows.</summary>
    [Fact]
    public async Task Head_OnlyWhereGetIs_AndAllowSaysSo()
    {
        var sale = (await Admin.CreateSaleAsync(stock: 5))["id"]!.GetValue<string>();

        var postOnly = await RawHttp.SendAsync(Server, "HEAD", "/api/v1/auth/token", []);
        var put = await RawHttp.SendAsync(Server, "PUT", $"/api/v1/sales/{sale}/stock", ["Content-Type: application/json"]);

        Assert.Equal(405, postOnly.Status);
        Assert.Equal("", postOnly.Body);
        Assert.Equal(405, put.Status);
        Assert.Contains("HEAD", put.Headers["Allow"].Split(',', StringSplitOptions.TrimEntries));
    }

    /// <summary>
    /// Health and metrics are reads like every other: GET and HEAD, anything else 405 with Allow. Until 2026-12-07 they
    /// answered any method (a DELETE of /metrics was a 200 with the metrics).
    /// </summary>
    [Theory]
    [InlineData("/health/live")]
    [InlineData("/health/ready")]
    [InlineData("/health")]
    [InlineData("/metrics")]
    public async Task HealthAndMetrics_AnswerGetAndHeadOnly(string path)
    {
        var get = await RawHttp.SendAsync(Server, "GET", path, []);
        var head = await RawHttp.SendAsync(Server, "HEAD", path, []);

        Assert.Equal(200, get.Status);
        Assert.Equal(200, head.Status);
        Assert.Equal("", head.Body);
        foreach (var method in new[] { "POST", "PUT", "PATCH", "DELETE", "OPTIONS" })
        {
            var other = await RawHttp.SendAsync(Server, method, path, []);
            Assert.True(other.Status == 405, $"{method} {path}: {other.Status} {other.Body}");
            Assert.Equal("application/problem+json", other.MediaType);
            Assert.Contains("\"reason\":\"method_not_allowed\"", other.Body, StringComparison.Ordinal);
            Assert.Equal("GET, HEAD", other.Headers["Allow"]);
        }
    }

    /// <summary>HEAD has no place in the OpenAPI document: it is every GET's, not an operation of its own.</summary>
    [Fact]
    public async Task TheOpenApiDocument_ListsNoHeadOperations()
    {
        var document = await Admin.Anonymous().GetJsonAsync("/openapi/v1.json");

        var heads = document["paths"]!.AsObject().Where(p => p.Value!.AsObject().ContainsKey("head")).Select(p => p.Key).ToList();
        Assert.Empty(heads);
    }

    /// <summary>A HEAD is counted by the rate limits as its GET is: it is no way around them.</summary>
    [Fact]
    public async Task Heads_AreRateLimited_AsGets()
    {
        await using var app = new TestApp(realSocket: true, settings: new Dictionary<string, string?>
        {
            ["RateLimiting:Rules:per-ip:PermitLimit"] = "3",
        });
        app.StartServer();
        var server = app.CreateClient().BaseAddress!;

        var statuses = new List<int>();
        for (var i = 0; i < 4; i++)
        {
            statuses.Add((await RawHttp.SendAsync(server, "HEAD", "/api/v1/sales", [])).Status);
        }

        Assert.Equal([200, 200, 200, 429], statuses);
    }
}
