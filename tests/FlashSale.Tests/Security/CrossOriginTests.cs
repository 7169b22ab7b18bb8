using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FlashSale.Common;
using FlashSale.Storage;
using FlashSale.Storage.Embedded;
using FlashSale.Tests.Admin;
using FlashSale.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace FlashSale.Tests.Security;

/// <summary>
/// <c>Cors:AllowedOrigins</c>: a storefront on another origin may call the JSON API with a bearer token, never with
/// cookies; other origins, the pages and operations get no CORS headers; without the setting nothing changes. (The
/// browser's side of it, a real cross-origin page in Chromium, is <c>CrossOriginBrowserTests</c>.)
/// </summary>
public sealed class CrossOriginTests
{
    private const string Shop = "http://shop.test:5173";

    private static TestApp AppAllowing(params string[] origins) => new(settings: origins
        .Select((origin, i) => KeyValuePair.Create($"Cors:AllowedOrigins:{i}", (string?)origin))
        .ToDictionary());

    private static HttpRequestMessage From(string origin, HttpMethod method, string path, HttpContent? body = null, string? token = null)
    {
        var request = new HttpRequestMessage(method, path) { Content = body };
        request.Headers.Add("Origin", origin);
        if (token is not null)
        {
            request.Headers.Authorization = new("Bearer", token);
        }

        return request;
    }

    private static HttpRequestMessage Preflight(string origin, string path, string method, string headers)
    {
        var request = From(origin, HttpMethod.Options, path);
        request.Headers.Add("Access-Control-Request-Method", method);
        request.Headers.Add("Access-Control-Request-Headers", headers);
        return request;
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : null;

    [Fact]
    public async Task APurchase_FromAnAllowedOrigin_IsPreflighted_ThenAnsweredReadably()
    {
        await using var app = AppAllowing(Shop);
        var http = app.CreateClient();
        var admin = await Api.AsAdminAsync(http);
        var sale = (string)(await admin.CreateSaleAsync(stock: 1))["id"]!;
        var (_, token) = (await admin.MintBuyersAsync(1))[0];
        var path = $"/api/v1/sales/{sale}/purchases";

        using var preflight = await http.SendAsync(Preflight(Shop, path, "POST", "authorization,content-type,idempotency-key"));
        Assert.Equal(HttpStatusCode.NoContent, preflight.StatusCode);
        Assert.Equal(Shop, Header(preflight, "Access-Control-Allow-Origin"));
        Assert.Contains("POST", Header(preflight, "Access-Control-Allow-Methods"), StringComparison.Ordinal);
        Assert.Equal("Authorization,Content-Type,Idempotency-Key,Last-Event-ID", Header(preflight, "Access-Control-Allow-Headers"));
        Assert.Equal("600", Header(preflight, "Access-Control-Max-Age"));
        Assert.Null(Header(preflight, "Access-Control-Allow-Credentials"));

        var buy = From(Shop, HttpMethod.Post, path, JsonContent.Create(new { quantity = 1 }), token);
        buy.Headers.Add("Idempotency-Key", "cors-1");
        using var bought = await http.SendAsync(buy);
        Assert.Equal(HttpStatusCode.Created, bought.StatusCode);
        Assert.Equal(Shop, Header(bought, "Access-Control-Allow-Origin"));
        // The order's address is readable to the storefront's script.
        Assert.Equal("Location,Retry-After", Header(bought, "Access-Control-Expose-Headers"));
        Assert.Null(Header(bought, "Access-Control-Allow-Credentials"));

        // A refusal is readable too: the storefront shows "sold out", not a network error.
        var (_, other) = (await admin.MintBuyersAsync(1))[0];
        using var refused = await http.SendAsync(From(Shop, HttpMethod.Post, path, JsonContent.Create(new { quantity = 1 }), other));
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Equal(Shop, Header(refused, "Access-Control-Allow-Origin"));
        Assert.Equal("sold_out", (string?)(await refused.Content.ReadFromJsonAsync<JsonObject>())!["reason"]);

        // As is a 401 (no token): the storefront can send its buyer to sign in.
        using var anonymous = await http.SendAsync(From(Shop, HttpMethod.Post, path, JsonContent.Create(new { quantity = 1 })));
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(Shop, Header(anonymous, "Access-Control-Allow-Origin"));
    }

    /// <summary>
    /// A 503 written by the exception handler, which clears the response it replaces, headers and all: the CORS headers
    /// come back as the answer starts, so the storefront reads "try again in a moment" and its Retry-After.
    /// </summary>
    [Fact]
    public async Task AStoreOutage_Answered503ByTheExceptionHandler_IsReadable()
    {
        await using var app = new TestApp(services: FaultyOrderStore.Wrap<SqliteOrderStore>,
            settings: new Dictionary<string, string?> { ["Cors:AllowedOrigins:0"] = Shop });
        var http = app.CreateClient();
        app.Services.GetRequiredService<FaultyOrderStore>().FailFind = new StoreUnavailableException("the record is down (test)");
        var (_, token) = (await (await Api.AsAdminAsync(http)).MintBuyersAsync(1))[0];

        using var response = await http.SendAsync(From(Shop, HttpMethod.Get, $"/api/v1/me/orders/{Guid.NewGuid()}", token: token));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(Shop, Header(response, "Access-Control-Allow-Origin"));
        Assert.Equal("Location,Retry-After", Header(response, "Access-Control-Expose-Headers"));
        Assert.NotNull(response.Headers.RetryAfter);
    }

    [Fact]
    public async Task AnotherOrigin_ThePages_AndOperations_GetNoCorsHeaders()
    {
        await using var app = AppAllowing(Shop);
        var http = app.CreateClient();

        using var evil = await http.SendAsync(From("http://evil.test", HttpMethod.Get, "/api/v1/sales"));
        Assert.Equal(HttpStatusCode.OK, evil.StatusCode);
        Assert.Null(Header(evil, "Access-Control-Allow-Origin"));
        using var evilPreflight = await http.SendAsync(Preflight("http://evil.test", "/api/v1/me/orders", "GET", "authorization"));
        Assert.Null(Header(evilPreflight, "Access-Control-Allow-Origin"));
        // An origin differs by scheme and port too.
        using var otherPort = await http.SendAsync(From("http://shop.test:5174", HttpMethod.Get, "/api/v1/sales"));
        Assert.Null(Header(otherPort, "Access-Control-Allow-Origin"));

        foreach (var path in new[] { "/", "/health/ready", "/metrics", "/login" })
        {
            using var response = await http.SendAsync(From(Shop, HttpMethod.Get, path));
            Assert.True(Header(response, "Access-Control-Allow-Origin") is null, path);
        }

        using var docs = await http.SendAsync(From(Shop, HttpMethod.Get, "/openapi/v1.json"));
        Assert.Equal(Shop, Header(docs, "Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task AHeaderTheApiDoesNotTake_IsNotAllowed()
    {
        await using var app = AppAllowing(Shop);
        var http = app.CreateClient();

        using var allowed = await http.SendAsync(Preflight(Shop, "/api/v1/sales", "GET", "authorization"));
        using var refused = await http.SendAsync(Preflight(Shop, "/api/v1/sales", "GET", "x-anything"));

        // The browser sends the call only if the preflight's Allow-Headers names every header it asked for: the API's own
        // are named, anything else is not (X-Requested-With, the CSRF check's header, included).
        Assert.Equal(Shop, Header(allowed, "Access-Control-Allow-Origin"));
        Assert.Equal(string.Join(",", CrossOriginSetup.AllowedHeaders), Header(allowed, "Access-Control-Allow-Headers"));
        Assert.Equal(Shop, Header(refused, "Access-Control-Allow-Origin"));
        Assert.DoesNotContain("x-anything", Header(refused, "Access-Control-Allow-Headers") ?? "", StringComparison.OrdinalIgnoreCase);
        using var csrfHeader = await http.SendAsync(Preflight(Shop, "/api/v1/me/orders", "POST", "x-requested-with"));
        Assert.Equal(Shop, Header(csrfHeader, "Access-Control-Allow-Origin"));
        Assert.DoesNotContain("x-requested-with", Header(csrfHeader, "Access-Control-Allow-Headers") ?? "", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Refused at the edge (a body past the limit): readable too. Until the review of 2026-12-07 413/414/431 came
    /// from ahead of the CORS middleware and read as network errors.</summary>
    [Fact]
    public async Task AnAnswerFromTheEdge_IsReadableToo()
    {
        await using var app = AppAllowing(Shop);
        var http = app.CreateClient();

        using var tooLong = await http.SendAsync(From(Shop, HttpMethod.Get, "/api/v1/sales?sku=" + new string('a', 10_000)));

        Assert.Equal(HttpStatusCode.RequestUriTooLong, tooLong.StatusCode);
        Assert.Equal(Shop, Header(tooLong, "Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task Star_AllowsAnyOrigin_WithoutCredentials()
    {
        await using var app = AppAllowing("*");

        using var response = await app.CreateClient().SendAsync(From("https://anyone.example", HttpMethod.Get, "/api/v1/sales"));

        Assert.Equal("*", Header(response, "Access-Control-Allow-Origin"));
        Assert.Null(Header(response, "Access-Control-Allow-Credentials"));
    }

    [Fact]
    public async Task WithoutTheSetting_NoAnswerCarriesCorsHeaders()
    {
        await using var app = new TestApp();
        var http = app.CreateClient();

        using var get = await http.SendAsync(From(Shop, HttpMethod.Get, "/api/v1/sales"));
        using var preflight = await http.SendAsync(Preflight(Shop, "/api/v1/sales", "GET", "authorization"));

        Assert.Null(Header(get, "Access-Control-Allow-Origin"));
        Assert.Null(Header(preflight, "Access-Control-Allow-Origin"));
    }

    [Theory]
    [InlineData("https://shop.example.com/", "write https://shop.example.com")]
    [InlineData("https://shop.example.com:443", "write https://shop.example.com")]
    [InlineData("shop.example.com", "is not an origin such as https://shop.example.com")]
    [InlineData("ftp://shop.example.com", "is not an origin")]
    [InlineData("https://user@shop.example.com", "an origin has no user part")]
    [InlineData("https://bücher.example", "write the host as browsers send it, xn--bcher-kva.example")]
    public void AnOriginNoBrowserSends_IsNamed(string entry, string expected) =>
        Assert.Contains(expected, CrossOriginOptions.Problem(entry), StringComparison.Ordinal);

    [Theory]
    [InlineData("https://shop.example.com")]
    [InlineData("http://localhost:5173")]
    [InlineData("*")]
    public void AnOriginAsBrowsersSendIt_IsTaken(string entry) => Assert.Null(CrossOriginOptions.Problem(entry));

    [Fact]
    public async Task AWrongOrigin_StopsTheStart_NamingTheSetting()
    {
        await using var app = AppAllowing("https://shop.example.com/", "*");

        var error = Assert.ThrowsAny<Exception>(() => app.CreateClient());

        Assert.Contains("Cors:AllowedOrigins: 'https://shop.example.com/' is not an origin as a browser sends it", error.ToString(), StringComparison.Ordinal);
        Assert.Contains("'*' allows every origin; list origins or give '*' alone", error.ToString(), StringComparison.Ordinal);
    }
}
