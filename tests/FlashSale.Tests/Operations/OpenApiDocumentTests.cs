using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FlashSale.Common;
using FlashSale.Tests.Infrastructure;

namespace FlashSale.Tests.Operations;

/// <summary>The OpenAPI document tells the truth: about 503 (any API operation answers it when a store is down), about the lists' filters.</summary>
public sealed class OpenApiDocumentTests() : AdminAppTest(new TestApp())
{
    [Theory]
    [InlineData("/api/v1/sales")]
    [InlineData("/api/v1/admin/sales")]
    public async Task TheSaleLists_DocumentTheirStatusFilterAndPaging(string path)
    {
        var document = await App.CreateClient().GetFromJsonAsync<JsonObject>("/openapi/v1.json");

        var parameters = document!["paths"]![path]!["get"]!["parameters"]!.AsArray();
        var status = Assert.Single(parameters, p => p!["name"]!.GetValue<string>() == "status")!;
        Assert.Equal("query", status["in"]!.GetValue<string>());
        var description = status["description"]?.GetValue<string>() ?? "";
        Assert.All(new[] { "upcoming", "active", "sold_out", "ended" }, value => Assert.Contains(value, description, StringComparison.Ordinal));
        Assert.Contains("1-1000", Parameter(parameters, "limit")["description"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("nextCursor", Parameter(parameters, "cursor")["description"]!.GetValue<string>(), StringComparison.Ordinal);
        var page = document["components"]!["schemas"]!["SaleListResponse"]!["properties"]!.AsObject();
        Assert.Equal(["items", "nextCursor", "serverTime"], page.Select(p => p.Key));
    }

    private static JsonNode Parameter(JsonArray parameters, string name) =>
        Assert.Single(parameters, p => p!["name"]!.GetValue<string>() == name && p["in"]!.GetValue<string>() == "query")!;

    [Fact]
    public async Task EveryApiOperation_DocumentsTheStoreUnavailable503()
    {
        var document = JsonNode.Parse(await App.CreateClient().GetStringAsync("/openapi/v1.json"))!;
        var operations = document["paths"]!.AsObject()
            .Where(path => path.Key.StartsWith("/api/", StringComparison.Ordinal))
            .SelectMany(path => path.Value!.AsObject().Select(op => (Name: $"{op.Key.ToUpperInvariant()} {path.Key}", Operation: op.Value!)))
            .ToList();

        Assert.Contains(operations, o => o.Name == "GET /api/v1/me/orders");
        Assert.All(operations, o => Assert.True(o.Operation["responses"]?["503"]?["content"]?["application/problem+json"] is not null,
            $"{o.Name} does not document 503"));
    }

    [Fact]
    public async Task Numbers_AreDocumentedAsNumbersOnly_AsBodiesAreReadStrictly()
    {
        var document = await DocumentAsync();

        var quantity = document["components"]!["schemas"]!["PurchaseRequest"]!["properties"]!["quantity"]!;
        Assert.Equal("integer", quantity["type"]!.GetValue<string>());
        Assert.Null(quantity["pattern"]);
        // Nowhere a number that may also be a string: StrictJson refuses "1" for 1 (invalid_json).
        var both = Descendants(document).OfType<JsonObject>()
            .Where(o => o["type"] is JsonArray types && types.Any(t => t!.GetValue<string>() == "string")
                && types.Any(t => t!.GetValue<string>() is "integer" or "number"))
            .Select(o => o.GetPath()).ToList();
        Assert.True(both.Count == 0, "typed number-or-string: " + string.Join(", ", both));
    }

    [Fact]
    public async Task SummariesAndDescriptions_ReadAsApiDocs_NotAsCSharp()
    {
        var document = await DocumentAsync();

        // Text from XML doc comments: a <see cref> comes out as a C# signature ("SaleStatus Sale.StatusAt(DateTimeOffset now, …)",
        // "string? OrderListResponse.NextCursor") or a type name in parentheses ("(SalePage)").
        var csharp = new System.Text.RegularExpressions.Regex(@"\b[A-Z]\w+\.[A-Z]\w+|\((?:[A-Z][a-z]+){2,}\)|\b(?:string|int|long|bool|Guid)\?? [A-Z]");
        var texts = Descendants(document).OfType<JsonObject>()
            .SelectMany(o => new[] { o["summary"], o["description"] }.OfType<JsonValue>()
                .Where(v => v.GetValueKind() == System.Text.Json.JsonValueKind.String)
                .Select(v => (Path: v.GetPath(), Text: v.GetValue<string>())))
            .ToList();

        Assert.Contains(texts, t => t.Path == "$.paths['/api/v1/sales'].get.summary");
        var leaks = texts.Where(t => csharp.IsMatch(t.Text)).Select(t => $"{t.Path}: {t.Text}").ToList();
        Assert.True(leaks.Count == 0, string.Join("\n", leaks));
    }

    [Fact]
    public async Task TheProblemSchema_HasItsReason()
    {
        var document = await DocumentAsync();

        var problem = document["components"]!["schemas"]!["ProblemDetails"]!;
        var reason = problem["properties"]!["reason"]!;
        Assert.Equal("string", reason["type"]!.GetValue<string>());
        var reasons = typeof(Reasons).GetFields().Select(f => (string)f.GetRawConstantValue()!).Order(StringComparer.Ordinal);
        Assert.Equal(reasons, reason["enum"]!.AsArray().Select(r => r!.GetValue<string>()).Order(StringComparer.Ordinal));
        Assert.Contains("reason", problem["required"]!.AsArray().Select(r => r!.GetValue<string>()));
        Assert.All(new[] { "errors", "traceId", "rule", "retryAfter", "outcomeUnknown" }, name => Assert.NotNull(problem["properties"]![name]));
    }

    private async Task<JsonNode> DocumentAsync() => JsonNode.Parse(await App.CreateClient().GetStringAsync("/openapi/v1.json"))!;

    private static IEnumerable<JsonNode> Descendants(JsonNode node)
    {
        yield return node;
        var children = node switch
        {
            JsonObject o => o.Select(p => p.Value),
            JsonArray a => a.AsEnumerable(),
            _ => [],
        };
        foreach (var child in children.OfType<JsonNode>().SelectMany(Descendants))
        {
            yield return child;
        }
    }
}
