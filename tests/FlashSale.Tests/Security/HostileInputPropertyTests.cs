using System.Text;
using CsCheck;
using FlashSale.Tests.Infrastructure;

namespace FlashSale.Tests.Security;

/// <summary>
/// Generated bodies and headers thrown at the purchase endpoint over real HTTP: never a 5xx, every
/// refusal is problem+json, and G1 (sold ≤ stock) and G2 (nobody above the limit) hold afterwards.
/// </summary>
public sealed class HostileInputPropertyTests() : AdminAppTest(new TestApp(realSocket: true, settings: new Dictionary<string, string?>
    {
        ["RateLimiting:Enabled"] = "false",
    }))
{
    private const int Stock = 10;
    private const int Limit = 2;

    // Rate limits out of the way: the property is about input, and every attempt should reach the ledger.

    private static readonly string[] Fragments =
    [
        "{", "}", "[", "]", "\"quantity\"", "\"Quantity\"", ":", ",", " ", "1", "2", "0", "-1", "2147483648", "1.5", "1e9", "null",
        "true", "\"1\"", "\"userId\"", "\"price\"", "\"x\"", "\\u0000", "\u0001", "\"\\ud800\"", "/*", "NaN",
    ];

    private static readonly string?[] ContentTypes =
    [
        "application/json", "application/json; charset=utf-8", "application/json; charset=latin1", "text/plain",
        "application/problem+json", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", null,
    ];

    private static readonly Gen<byte[]> Bodies = Gen.Frequency(
        (4, Gen.Int[-3, 4].Select(q => Encoding.UTF8.GetBytes($$"""{"quantity":{{q}}}"""))),
        (4, Gen.Int[0, Fragments.Length - 1].Array[0, 24].Select(ix => Encoding.UTF8.GetBytes(string.Concat(ix.Select(i => Fragments[i]))))),
        (2, Gen.Byte.Array[0, 300]),
        (1, Gen.Int[1, 80_000].Select(n => Encoding.UTF8.GetBytes($$"""{"quantity":1,"pad":"{{new string('p', n)}}"}"""))));

    private static readonly Gen<string?> Keys = Gen.Frequency(
        (3, Gen.Const((string?)null)),
        (3, Gen.String[Gen.Char["abcXYZ019-_"], 1, 12].Select(s => (string?)s)),
        (2, Gen.String[Gen.Char[' ', '~'], 0, 130].Select(s => (string?)s)));

    [Fact]
    public async Task GeneratedRequests_NeverA5xx_AndG1G2Hold()
    {
        var saleId = (await Admin.CreateSaleAsync(stock: Stock, perUserLimit: Limit))["id"]!.GetValue<string>();
        var buyers = await Admin.MintBuyersAsync(8);
        var created = 0;

        var requests = Gen.Select(Gen.Int[-1, buyers.Count - 1], Bodies, Gen.Int[0, ContentTypes.Length - 1], Keys, Gen.Int[0, 3]);
        await requests.SampleAsync(async (buyer, body, type, key, extraHeaders) =>
        {
            using var content = new ByteArrayContent(body);
            if (ContentTypes[type] is { } contentType)
            {
                content.Headers.TryAddWithoutValidation("Content-Type", contentType);
            }

            var api = buyer < 0 ? Admin.Anonymous() : Admin.WithToken(buyers[buyer].Token);
            using var response = await api.SendAsync(HttpMethod.Post, $"/api/v1/sales/{saleId}/purchases", content, r =>
            {
                if (key is not null)
                {
                    r.Headers.TryAddWithoutValidation("Idempotency-Key", key);
                }

                for (var i = 0; i < extraHeaders; i++)
                {
                    r.Headers.TryAddWithoutValidation($"X-Extra-{i}", new string('h', 1 << (4 * i)));
                }
            });

            var status = (int)response.StatusCode;
            if (status >= 500)
            {
                throw new InvalidOperationException($"{status}: {await response.Content.ReadAsStringAsync()}");
            }

            if (status == 201)
            {
                Interlocked.Add(ref created, JsonQuantity(body));
            }
            else if (response.Content.Headers.ContentLength != 0
                && response.Content.Headers.ContentType?.MediaType != "application/problem+json")
            {
                throw new InvalidOperationException($"{status} without problem+json: {response.Content.Headers.ContentType}");
            }
        }, iter: 400, threads: 4);

        var orders = await Admin.AllOrdersAsync(saleId);
        var sold = orders.Sum(o => o["quantity"]!.GetValue<int>());
        var stock = await Admin.StockAsync(saleId);
        Assert.True(sold <= Stock, $"G1: sold {sold} of {Stock}");
        Assert.Equal(Stock, stock["sold"]!.GetValue<int>() + stock["remainingStock"]!.GetValue<int>());
        Assert.Equal(sold, stock["sold"]!.GetValue<int>());
        Assert.Equal(created, sold);
        Assert.All(orders.GroupBy(o => o["userId"]!.GetValue<string>()),
            g => Assert.True(g.Sum(o => o["quantity"]!.GetValue<int>()) <= Limit, $"G2: user {g.Key} holds more than {Limit}"));
    }

    /// <summary>The quantity of a body the server accepted: it was valid JSON with a quantity.</summary>
    private static int JsonQuantity(byte[] body) =>
        System.Text.Json.JsonDocument.Parse(body).RootElement.GetProperty("quantity").GetInt32();
}
