using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using FlashSale.Tests.Infrastructure;

namespace FlashSale.Tests.Security;

/// <summary>
/// A JSON body that starts with a UTF-8 byte-order mark, as Windows PowerShell 5's <c>Invoke-RestMethod</c> sends a
/// UTF-8 file and .NET's default <c>UTF8Encoding</c> writers do, is the same JSON (RFC 8259 §8.1 lets a parser ignore
/// it). Until 2026-12-06 every JSON endpoint answered it 400 <c>invalid_json</c>. Only one, and only first: strict
/// parsing stays strict.
/// </summary>
public sealed class ByteOrderMarkTests() : AdminAppTest(new TestApp())
{
    private static readonly byte[] Bom = [0xEF, 0xBB, 0xBF];

    [Fact]
    public async Task EveryJsonEndpoint_TakesABodyThatStartsWithAByteOrderMark()
    {
        var name = $"bom{Guid.NewGuid():N}"[..20];
        const string password = "correct horse battery";
        var credentials = $$"""{"username":"{{name}}","password":"{{password}}"}""";

        using var registered = await SendAsync(Admin.Anonymous(), HttpMethod.Post, "/api/v1/accounts", credentials);
        await Api.EnsureAsync(registered, HttpStatusCode.Created);

        using var token = await SendAsync(Admin.Anonymous(), HttpMethod.Post, "/api/v1/auth/token", credentials);
        await Api.EnsureAsync(token, HttpStatusCode.OK);
        var buyer = Admin.WithToken((await token.Content.ReadFromJsonAsync<JsonObject>())!["accessToken"]!.GetValue<string>());

        var now = DateTimeOffset.UtcNow;
        using var created = await SendAsync(Admin, HttpMethod.Post, "/api/v1/admin/sales", $$"""
            {"sku":"BOM-{{Guid.NewGuid():N}}","productName":"Byte order","price":10,"currency":"USD","totalStock":5,
             "perUserLimit":2,"startsAt":"{{now.AddMinutes(-1):O}}","endsAt":"{{now.AddHours(1):O}}"}
            """);
        await Api.EnsureAsync(created, HttpStatusCode.Created);
        var sale = (await created.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<string>();

        using var updated = await SendAsync(Admin, HttpMethod.Patch, $"/api/v1/admin/sales/{sale}", """{"productName":"Byte order mark"}""");
        await Api.EnsureAsync(updated, HttpStatusCode.OK);

        using var bought = await SendAsync(buyer, HttpMethod.Post, $"/api/v1/sales/{sale}/purchases", """{"quantity":1}""",
            Guid.NewGuid().ToString());
        await Api.EnsureAsync(bought, HttpStatusCode.Created);

        using var minted = await SendAsync(Admin, HttpMethod.Post, "/api/v1/admin/tokens", """{"count":1}""");
        await Api.EnsureAsync(minted, HttpStatusCode.OK);
    }

    /// <summary>Two marks, a mark alone, or one after whitespace: not JSON, and nothing is bought.</summary>
    [Theory]
    [InlineData("twice")]
    [InlineData("alone")]
    [InlineData("after a space")]
    public async Task AByteOrderMarkAnywhereElse_IsStillInvalidJson(string where)
    {
        var sale = (await Admin.CreateSaleAsync(stock: 5))["id"]!.GetValue<string>();
        var json = Encoding.UTF8.GetBytes("""{"quantity":1}""");
        byte[] body = where switch
        {
            "twice" => [.. Bom, .. Bom, .. json],
            "alone" => Bom,
            _ => [(byte)' ', .. Bom, .. json],
        };

        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await Admin.SendAsync(HttpMethod.Post, $"/api/v1/sales/{sale}/purchases", content,
            r => r.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString()));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_json", await Api.ReasonAsync(response));
        Assert.Equal(5, (await Admin.StockAsync(sale))["remainingStock"]!.GetValue<int>());
    }

    private static async Task<HttpResponseMessage> SendAsync(Api api, HttpMethod method, string path, string json, string? idempotencyKey = null)
    {
        using var content = new ByteArrayContent([.. Bom, .. Encoding.UTF8.GetBytes(json)]);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        return await api.SendAsync(method, path, content, r =>
        {
            if (idempotencyKey is not null)
            {
                r.Headers.Add("Idempotency-Key", idempotencyKey);
            }
        });
    }
}
