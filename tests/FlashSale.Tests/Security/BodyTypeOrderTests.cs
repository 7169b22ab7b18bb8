using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using FlashSale.Tests.Admin;
using FlashSale.Tests.Infrastructure;

namespace FlashSale.Tests.Security;

/// <summary>
/// A body of another type than JSON is judged where every other body is: after the token and the role, by the
/// endpoint's own reading (StrictJson). The router answered it first with a bare 415 of its own: an anonymous caller or a
/// buyer was told 415 by admin endpoints whose token is "checked before anything else", the load-test minting answered
/// 415 instead of its feature_disabled, and the purchase skipped its per-buyer rule (docs/api.md).
/// </summary>
public sealed class BodyTypeOrderTests() : AdminAppTest(new TestApp(settings: new Dictionary<string, string?>
{
    ["Auth:SyntheticBuyers:Enabled"] = "false",
}))
{
    private const string AnyId = "3f2504e0-4f89-41d3-9a0c-0305e82c3301";

    public static TheoryData<string> ContentTypes => ["text/plain", "application/xml", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"];

    private static readonly (string Method, string Path)[] AdminBodies =
    [
        ("POST", "/api/v1/admin/sales"),
        ("PATCH", $"/api/v1/admin/sales/{AnyId}"),
        ("POST", "/api/v1/admin/tokens"),
    ];

    [Theory]
    [MemberData(nameof(ContentTypes))]
    public async Task AnAdminEndpoint_WithABodyOfAnotherType_Is401WithoutToken_And403ForABuyer(string contentType)
    {
        var buyer = await BuyerAsync();
        foreach (var (method, path) in AdminBodies)
        {
            await ExpectAsync(Admin.Anonymous(), method, path, contentType, HttpStatusCode.Unauthorized, "unauthorized");
            await ExpectAsync(buyer, method, path, contentType, HttpStatusCode.Forbidden, "forbidden");
        }
    }

    [Theory]
    [MemberData(nameof(ContentTypes))]
    public async Task MintingWhileDisabled_IsFeatureDisabled_WhateverTheBody(string contentType) =>
        await ExpectAsync(Admin, "POST", "/api/v1/admin/tokens", contentType, HttpStatusCode.NotFound, "feature_disabled");

    [Theory]
    [MemberData(nameof(ContentTypes))]
    public async Task APurchase_WithABodyOfAnotherType_Is401WithoutToken_And415FromTheEndpointWithOne(string contentType)
    {
        var sale = await Admin.CreateSaleAsync(stock: 3);
        var path = $"/api/v1/sales/{sale.Id()}/purchases";

        await ExpectAsync(Admin.Anonymous(), "POST", path, contentType, HttpStatusCode.Unauthorized, "unauthorized");
        var problem = await ExpectAsync(await BuyerAsync(), "POST", path, contentType, HttpStatusCode.UnsupportedMediaType,
            "unsupported_media_type");

        AssertTheEndpointsOwn415(problem);
        Assert.Equal(3, (await Admin.StockAsync(sale.Id()))["remainingStock"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("/api/v1/accounts")]
    [InlineData("/api/v1/auth/token")]
    public async Task SignInAndRegistration_WithABodyOfAnotherType_Get415FromTheEndpoint(string path)
    {
        foreach (var contentType in ContentTypes)
        {
            var problem = await ExpectAsync(Admin.Anonymous(), "POST", path, contentType, HttpStatusCode.UnsupportedMediaType,
                "unsupported_media_type");
            AssertTheEndpointsOwn415(problem);
        }
    }

    [Fact]
    public async Task CreatingASale_WithABodyOfAnotherType_Is415AndCreatesNothing()
    {
        var before = (await Admin.GetJsonAsync("/api/v1/admin/sales?limit=1000"))["items"]!.AsArray().Count;

        var problem = await ExpectAsync(Admin, "POST", "/api/v1/admin/sales", "text/plain", HttpStatusCode.UnsupportedMediaType,
            "unsupported_media_type");

        AssertTheEndpointsOwn415(problem);
        Assert.Equal(before, (await Admin.GetJsonAsync("/api/v1/admin/sales?limit=1000"))["items"]!.AsArray().Count);
    }

    /// <summary>StrictJson's 415, which says what to send: the router's had neither a detail nor the API's problem type.</summary>
    private static void AssertTheEndpointsOwn415(JsonObject problem)
    {
        Assert.Equal("https://flashsale.dev/problems/unsupported_media_type", problem["type"]?.GetValue<string>());
        Assert.Equal("Send Content-Type: application/json.", problem["detail"]?.GetValue<string>());
    }

    private async Task<Api> BuyerAsync()
    {
        var username = $"b{Guid.NewGuid():N}"[..20];
        using var registered = await Admin.Anonymous().PostAsJsonAsync("/api/v1/accounts", new { username, password = "a buyer's password" });
        await Api.EnsureAsync(registered, HttpStatusCode.Created);
        return Admin.WithToken(await Admin.Anonymous().TokenAsync(username, "a buyer's password"));
    }

    private static async Task<JsonObject> ExpectAsync(Api api, string method, string path, string contentType, HttpStatusCode status,
        string reason)
    {
        using var content = new ByteArrayContent(Encoding.UTF8.GetBytes("""{"count":1,"quantity":1}"""));
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        using var response = await api.SendAsync(new HttpMethod(method), path, content);

        Assert.True(response.StatusCode == status, $"{method} {path} ({contentType}): {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.ReadJsonAsync();
        Assert.Equal(reason, problem["reason"]?.GetValue<string>());
        return problem;
    }
}
