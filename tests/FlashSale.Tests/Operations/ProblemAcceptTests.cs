using System.Net;
using System.Text.Json.Nodes;
using FlashSale.Tests.Infrastructure;

namespace FlashSale.Tests.Operations;

/// <summary>
/// The API answers problem+json whatever the client's Accept says: a browser opening an API address sends text/html, a
/// careless client application/xml. The framework's writer declines those, and its statuses (an unknown route, a wrong
/// method, a stale cookie's 401) came out as a padded text/plain "Status Code: 405; Method Not Allowed", the API's own
/// problems without their traceId.
/// </summary>
public sealed class ProblemAcceptTests() : AdminAppTest(new TestApp())
{
    private const string AnyId = "3f2504e0-4f89-41d3-9a0c-0305e82c3301";

    public static TheoryData<string, string, string, HttpStatusCode, string> Cases()
    {
        var data = new TheoryData<string, string, string, HttpStatusCode, string>();
        foreach (var accept in new[] { "text/html", "application/xml", "text/html,application/xhtml+xml;q=0.9" })
        {
            data.Add(accept, "GET", "/api/v1/no-such-thing", HttpStatusCode.NotFound, "not_found");
            data.Add(accept, "PUT", $"/api/v1/sales/{AnyId}", HttpStatusCode.MethodNotAllowed, "method_not_allowed");
            data.Add(accept, "GET", $"/api/v1/sales/{AnyId}", HttpStatusCode.NotFound, "sale_not_found");
            data.Add(accept, "GET", "/api/v1/sales?limit=0", HttpStatusCode.BadRequest, "validation_failed");
            data.Add(accept, "GET", "/api/v1/me/orders", HttpStatusCode.Unauthorized, "unauthorized");
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task AnApiProblem_IsProblemJsonWithItsTraceId_WhateverTheAccept(string accept, string method, string path,
        HttpStatusCode status, string reason)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        request.Headers.TryAddWithoutValidation("Accept", accept);

        using var response = await App.CreateClient().SendAsync(request);

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"{(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonNode.Parse(body)!.AsObject();
        Assert.Equal(reason, problem["reason"]?.GetValue<string>());
        Assert.Equal((int)status, problem["status"]?.GetValue<int>());
        Assert.False(string.IsNullOrEmpty(problem["type"]?.GetValue<string>()));
        Assert.False(string.IsNullOrEmpty(problem["title"]?.GetValue<string>()));
        Assert.False(string.IsNullOrEmpty(problem["traceId"]?.GetValue<string>()));
    }

    [Fact]
    public async Task TheFrameworksOwnProblems_HaveTheApisTypeAndADetail()
    {
        // Until 2026-12-07 an unknown address and a wrong method carried an RFC 9110 link for a type and no detail.
        var client = App.CreateClient();
        using var missing = await client.GetAsync("/api/v1/no-such-thing");
        using var method = await client.DeleteAsync("/api/v1/sales");

        var notFound = JsonNode.Parse(await missing.Content.ReadAsStringAsync())!.AsObject();
        var notAllowed = JsonNode.Parse(await method.Content.ReadAsStringAsync())!.AsObject();
        Assert.Equal("https://flashsale.dev/problems/not_found", notFound["type"]!.GetValue<string>());
        Assert.Equal("Nothing is at this address.", notFound["detail"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.MethodNotAllowed, method.StatusCode);
        Assert.Equal("https://flashsale.dev/problems/method_not_allowed", notAllowed["type"]!.GetValue<string>());
        Assert.Equal($"This address does not take DELETE; it takes {string.Join(", ", method.Content.Headers.Allow)}.",
            notAllowed["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task ABodyTooLargeWithoutALength_SaysTheLimit_AsOneWithALengthDoes()
    {
        // Over a socket: the in-process server has no body limit of Kestrel's to meet.
        await using var app = new TestApp(realSocket: true);
        app.StartServer();
        var admin = await Api.AsAdminAsync(app.CreateClient());
        var buyer = admin.WithToken((await admin.MintBuyersAsync(1))[0].Token);
        var saleId = (await admin.CreateSaleAsync(stock: 1))["id"]!.GetValue<string>();
        var padding = new string(' ', 70_000);
        using var sized = new StringContent("{\"quantity\":1" + padding + "}", System.Text.Encoding.UTF8, "application/json");
        using var chunked = new StreamContent(new MemoryStream(System.Text.Encoding.UTF8.GetBytes("{\"quantity\":1" + padding + "}")));
        chunked.Headers.ContentType = new("application/json");

        using var first = await buyer.SendAsync(HttpMethod.Post, $"/api/v1/sales/{saleId}/purchases", sized);
        using var second = await buyer.SendAsync(HttpMethod.Post, $"/api/v1/sales/{saleId}/purchases", chunked,
            r => r.Headers.TransferEncodingChunked = true);

        foreach (var response in new[] { first, second })
        {
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
            var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
            Assert.Equal("payload_too_large", problem["reason"]!.GetValue<string>());
            Assert.Matches(@"^At most \d+ bytes\.$", problem["detail"]!.GetValue<string>());
        }

        Assert.Equal(1, (await admin.StockAsync(saleId))["remainingStock"]!.GetValue<int>());
    }

    [Fact]
    public async Task AStaleCookie_OnAnApiAddress_IsProblemJson_ForABrowser()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/me/orders");
        request.Headers.TryAddWithoutValidation("Accept", "text/html");
        request.Headers.TryAddWithoutValidation("Cookie", "flashsale.auth=stale");

        using var response = await App.CreateClient(new() { AllowAutoRedirect = false }).SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("unauthorized", JsonNode.Parse(await response.Content.ReadAsStringAsync())!["reason"]?.GetValue<string>());
    }

    [Fact]
    public async Task APage_KeepsItsOwnAnswer()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/no-such-page");
        request.Headers.TryAddWithoutValidation("Accept", "text/html");

        using var response = await App.CreateClient().SendAsync(request);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.NotEqual("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
