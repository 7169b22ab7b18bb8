using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using FlashSale.Tests.Infrastructure;

namespace FlashSale.Tests.Security;

/// <summary>
/// G7 for the whole API, not only the purchase: every operation the OpenAPI document lists, called by the admin
/// (past authorization) with malformed or unknown ids, odd query values and broken bodies, never answers a 5xx; with
/// a bad id or body it answers a 4xx problem+json; and nothing changes (the sales, their stock and the orders are the
/// same afterwards).
/// </summary>
public abstract class EveryEndpointHostileInputTests(StorageKind kind) : AdminAppTest(new TestApp(kind: kind, settings: new Dictionary<string, string?>
    {
        ["RateLimiting:Enabled"] = "false",
    }))
{
    private static readonly string[] Ids = ["not-a-guid", "00000000-0000-0000-0000-000000000000", "a%2Fb%20c", "..%2F..%2Fetc", new string('9', 300), "{id}"];

    private static readonly string[] Queries = ["", "?limit=-1", "?limit=abc&cursor=%ff%fe", "?status=bogus&from=yesterday&to=-5", "?limit=99999999999999999999"];

    private static readonly string?[] Bodies = [null, "", "{", "[]", "null", "{\"x\":1}", "{\"quantity\":\"1\"}", "\u0001\u0002", "{\"sku\":null,\"price\":-1,\"totalStock\":1e99}"];

    [Fact]
    public async Task MalformedCallsOfEveryOperation_AreRefusedWith4xx_AndChangeNothing()
    {
        var saleId = (await Admin.CreateSaleAsync(stock: 5))["id"]!.GetValue<string>();
        var buyer = Admin.WithToken((await Admin.MintBuyersAsync(1))[0].Token);
        using (var bought = await buyer.PurchaseAsync(saleId))
        {
            await Api.EnsureAsync(bought, HttpStatusCode.Created);
        }

        var before = await SnapshotAsync();
        var document = JsonNode.Parse(await App.CreateClient().GetStringAsync("/openapi/v1.json"))!;
        var failures = new List<string>();
        var calls = 0;
        foreach (var (template, operations) in document["paths"]!.AsObject())
        {
            if (!template.StartsWith("/api/", StringComparison.Ordinal) || template.Contains("reset", StringComparison.Ordinal))
            {
                continue;
            }

            foreach (var (verb, operation) in operations!.AsObject())
            {
                var method = new HttpMethod(verb.ToUpperInvariant());
                if (method == HttpMethod.Delete && !template.Contains('{', StringComparison.Ordinal))
                {
                    continue;
                }

                // Malformed ids with odd queries and bodies; and, where the operation reads a body, the real sale with
                // each broken body (a broken change to a sale that exists must leave it as it was).
                var attempts = Ids.Select((id, i) => (Path: FillIds(template, id) + Queries[i % Queries.Length], Body: Bodies[i % Bodies.Length])).ToList();
                if (operation!["requestBody"] is not null && template.Contains("{id}", StringComparison.Ordinal))
                {
                    attempts.AddRange(Bodies.Where(b => b is not null).Select(b => (FillIds(template, saleId), b)));
                }

                // Every attempt at an operation with an id or a body is broken and must be refused; one without either
                // may answer (unknown query parameters are ignored) but never with a 5xx.
                var mustRefuse = template.Contains('{', StringComparison.Ordinal) || operation["requestBody"] is not null;
                foreach (var (path, body) in attempts)
                {
                    using var content = body is null ? null : new StringContent(body, Encoding.UTF8, "application/json");
                    using var response = await Admin.SendAsync(method, path, content);
                    calls++;
                    var status = (int)response.StatusCode;
                    var type = response.Content.Headers.ContentType?.MediaType;
                    if (status >= 500 || (status >= 400 && type != "application/problem+json") || (mustRefuse && status < 400))
                    {
                        failures.Add($"{method} {path} body {body ?? "(none)"} -> {status} {type}: {Truncate(await response.Content.ReadAsStringAsync())}");
                    }
                }
            }
        }

        Assert.True(calls > 100, $"only {calls} calls: the document lists too few operations");
        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.Equal(before, await SnapshotAsync());
    }

    /// <summary>The sales with their stock and sold counts, and every order of each: what a call must not change.</summary>
    private async Task<string> SnapshotAsync()
    {
        var sales = (await Admin.GetJsonAsync("/api/v1/admin/sales"))["items"]!.AsArray();
        var text = new StringBuilder();
        foreach (var sale in sales.OrderBy(s => s!["id"]!.GetValue<string>()))
        {
            var id = sale!["id"]!.GetValue<string>();
            text.Append($"{id} {sale["sku"]} {sale["remainingStock"]} {sale["sold"]} {sale["startsAt"]} {sale["endsAt"]}\n");
            foreach (var order in await Admin.AllOrdersAsync(id))
            {
                text.Append($"  {order["orderId"]} {order["status"]} {order["quantity"]}\n");
            }
        }

        return text.ToString();
    }

    private static string FillIds(string template, string id)
    {
        var result = new StringBuilder();
        var open = -1;
        for (var i = 0; i < template.Length; i++)
        {
            if (template[i] == '{')
            {
                open = i;
            }
            else if (template[i] == '}' && open >= 0)
            {
                result.Append(id);
                open = -1;
            }
            else if (open < 0)
            {
                result.Append(template[i]);
            }
        }

        return result.ToString();
    }

    private static string Truncate(string text) => text.Length <= 300 ? text : text[..300] + "…";
}

public sealed class EveryEndpointHostileInputEmbedded() : EveryEndpointHostileInputTests(StorageKind.Embedded);

public sealed class EveryEndpointHostileInputOnRedis() : EveryEndpointHostileInputTests(StorageKind.Redis);
