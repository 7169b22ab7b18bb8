using System.Net;
using FlashSale.Tests.Infrastructure;

namespace FlashSale.Tests.Admin;

/// <summary>G8: every admin endpoint needs a token (401) with the admin role (403), before anything else runs.</summary>
public sealed class AdminAuthTests() : AdminAppTest(new TestApp())
{
    private const string AnyId = "3f2504e0-4f89-41d3-9a0c-0305e82c3301";

    /// <summary>Every admin endpoint: method, path, body (null for none).</summary>
    public static readonly (string Method, string Path, string? Body)[] Endpoints =
    [
        ("POST", "/api/v1/admin/sales", "{}"),
        ("GET", "/api/v1/admin/sales", null),
        ("GET", "/api/v1/admin/sales?status=active", null),
        ("GET", $"/api/v1/admin/sales/{AnyId}", null),
        ("PATCH", $"/api/v1/admin/sales/{AnyId}", """{"productName":"x"}"""),
        ("POST", $"/api/v1/admin/sales/{AnyId}/end", null),
        ("DELETE", $"/api/v1/admin/sales/{AnyId}", null),
        ("GET", $"/api/v1/admin/sales/{AnyId}/orders", null),
        ("GET", $"/api/v1/admin/sales/{AnyId}/orders.csv", null),
        ("GET", $"/api/v1/admin/orders?userId={AnyId}", null),
        ("GET", $"/api/v1/admin/orders/{AnyId}", null),
        ("POST", $"/api/v1/admin/orders/{AnyId}/cancel", null),
        ("GET", "/api/v1/admin/stats", null),
        ("GET", "/api/v1/admin/reconcile", null),
        ("POST", "/api/v1/admin/reconcile", null),
        ("POST", "/api/v1/admin/reset", null),
    ];


    [Fact]
    public async Task EveryAdminEndpoint_WithoutToken_Is401()
    {
        var anonymous = Admin.Anonymous();
        foreach (var (method, path, body) in Endpoints)
        {
            using var response = await Send(anonymous, method, path, body);
            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{method} {path}: {(int)response.StatusCode}");
            Assert.Equal("unauthorized", await Api.ReasonAsync(response));
        }
    }

    [Fact]
    public async Task EveryAdminEndpoint_WithBuyerToken_Is403_AndChangesNothing()
    {
        var sale = await Admin.CreateSaleAsync(stock: 3);
        var buyer = Admin.WithToken((await Admin.MintBuyersAsync(1))[0].Token);
        foreach (var (method, path, body) in Endpoints)
        {
            using var response = await Send(buyer, method, path.Replace(AnyId, sale.Id(), StringComparison.Ordinal), body);
            Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{method} {path}: {(int)response.StatusCode}");
            Assert.Equal("forbidden", await Api.ReasonAsync(response));
        }

        var after = await Admin.GetJsonAsync($"/api/v1/admin/sales/{sale.Id()}");
        Assert.Equal("Test product", after["productName"]!.GetValue<string>());
        Assert.Equal("active", after["status"]!.GetValue<string>());
    }

    private static Task<HttpResponseMessage> Send(Api api, string method, string path, string? body) =>
        api.SendAsync(new HttpMethod(method), path,
            body is null ? null : new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
}
