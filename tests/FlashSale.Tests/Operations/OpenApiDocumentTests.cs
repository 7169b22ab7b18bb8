using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FlashSale.Common;
using FlashSale.Tests.Infrastructure;

namespace FlashSale.Tests.Operations;

/// <summary>
/// The OpenAPI document tells the truth: the statuses each operation answers with their reasons and headers (503 and 429
/// for every one), the problem schema, number types, the lists' filters; and real answers are what it declares.
/// </summary>
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

    [Fact]
    public async Task TheDocument_IsGeneratedOnce_AndServedFromTheCacheAfterwards()
    {
        var client = App.CreateClient();
        using var first = await client.GetAsync("/openapi/v1.json");
        // Another host name is served the same copy: keyed by host, a client making one up was generated for every time.
        using var other = new HttpRequestMessage(HttpMethod.Get, "/openapi/v1.json") { Headers = { Host = "made-up.example" } };
        using var second = await client.SendAsync(other);

        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Null(first.Headers.Age);
        Assert.NotNull(second.Headers.Age);   // the output cache's mark: this answer was not generated again
        Assert.Equal(await first.Content.ReadAsStringAsync(), await second.Content.ReadAsStringAsync());
        Assert.Equal("application/json", second.Content.Headers.ContentType?.MediaType);
        Assert.True(second.Headers.Contains("X-Content-Type-Options"), "a cached answer still carries the security headers");
        Assert.Null(JsonNode.Parse(await second.Content.ReadAsStringAsync())!["servers"]);   // no host of anyone's in it
    }

    /// <summary>
    /// A query parameter says what it takes: read by hand as a string, its schema says nothing more. The admin order list's
    /// limit, cursor and order, the CSV's order and the leaderboard's limit were bare names until 2026-12-06.
    /// </summary>
    [Fact]
    public async Task EveryQueryParameter_SaysWhatItTakes()
    {
        var document = await DocumentAsync();

        var bare = document["paths"]!.AsObject()
            .SelectMany(path => path.Value!.AsObject().SelectMany(operation =>
                (operation.Value!["parameters"]?.AsArray() ?? [])
                .Where(p => p!["in"]!.GetValue<string>() == "query" && string.IsNullOrWhiteSpace(p["description"]?.GetValue<string>()))
                .Select(p => $"{operation.Key} {path.Key} ?{p!["name"]}")))
            .ToList();

        Assert.True(bare.Count == 0, "without a description: " + string.Join(", ", bare));
        var orders = Operation(document, "get", "/api/v1/admin/sales/{id}/orders")["parameters"]!.AsArray();
        Assert.Contains("1-1000", Parameter(orders, "limit")["description"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("desc", Parameter(orders, "order")["description"]!.GetValue<string>(), StringComparison.Ordinal);
        var leaderboard = Operation(document, "get", "/api/v1/sales/{id}/leaderboard")["parameters"]!.AsArray();
        Assert.Contains("1-100", Parameter(leaderboard, "limit")["description"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    /// <summary>
    /// Read as text, documented as what they must be: until 2026-12-07 every limit, status, order and id was a bare
    /// string, so a generated client typed them as text and checked nothing (an audit).
    /// </summary>
    [Fact]
    public async Task Limits_Statuses_Orders_AndIds_AreDocumentedAsWhatTheyMustBe()
    {
        var document = await DocumentAsync();
        var parameters = document["paths"]!.AsObject()
            .SelectMany(path => path.Value!.AsObject().SelectMany(operation =>
                (operation.Value!["parameters"]?.AsArray() ?? []).Select(p => (Where: $"{operation.Key} {path.Key}", Parameter: p!))))
            .ToList();

        var limits = parameters.Where(p => p.Parameter["name"]!.GetValue<string>() == "limit").ToList();
        Assert.Equal(6, limits.Count);
        Assert.All(limits, p =>
        {
            var schema = p.Parameter["schema"]!;
            Assert.Equal("integer", schema["type"]!.GetValue<string>());
            Assert.Equal(1, schema["minimum"]!.GetValue<int>());
            Assert.Contains($"1-{schema["maximum"]}", p.Parameter["description"]!.GetValue<string>(), StringComparison.Ordinal);
            Assert.Contains($"(default {schema["default"]})", p.Parameter["description"]!.GetValue<string>(), StringComparison.Ordinal);
        });
        Assert.All(parameters.Where(p => p.Parameter["name"]!.GetValue<string>() == "status"), p =>
            Assert.Equal(["upcoming", "active", "sold_out", "ended"], p.Parameter["schema"]!["enum"]!.AsArray().Select(v => v!.GetValue<string>())));
        Assert.All(parameters.Where(p => p.Parameter["name"]!.GetValue<string>() == "order"), p =>
            Assert.Equal(["asc", "desc"], p.Parameter["schema"]!["enum"]!.AsArray().Select(v => v!.GetValue<string>())));
        var ids = parameters.Where(p => p.Parameter["in"]!.GetValue<string>() == "path").ToList();
        Assert.NotEmpty(ids);
        Assert.All(ids, p => Assert.Equal("uuid", p.Parameter["schema"]!["format"]?.GetValue<string>()));
        // The admin's order lookup takes an external provider's subject (ext:…) as well as our ids.
        var userId = Assert.Single(parameters, p => p.Parameter["name"]!.GetValue<string>() == "userId").Parameter;
        Assert.Null(userId["schema"]!["format"]);
    }

    private static JsonNode Parameter(JsonArray parameters, string name) =>
        Assert.Single(parameters, p => p!["name"]!.GetValue<string>() == name && p["in"]!.GetValue<string>() == "query")!;

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
    public async Task TheStats_DescribeRevenuePerCurrency_NeverOneSum()
    {
        var schemas = (await DocumentAsync())["components"]!["schemas"]!;

        static string ItemsOf(JsonNode schema, string property) => schema["properties"]![property]!["items"]!["$ref"]!.GetValue<string>();
        Assert.Equal("#/components/schemas/CurrencyAmount", ItemsOf(schemas["StatsTotalsResponse"]!, "revenue"));
        Assert.Equal("#/components/schemas/CurrencyAmount", ItemsOf(schemas["DayRevenueResponse"]!, "revenue"));
        Assert.Equal("#/components/schemas/CurrencyRankingResponse", ItemsOf(schemas["TopProductsResponse"]!, "byRevenue"));
        Assert.Equal(["currency", "amount"], schemas["CurrencyAmount"]!["properties"]!.AsObject().Select(p => p.Key));
        Assert.Contains("never added", schemas["CurrencyAmount"]!["description"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("per currency", schemas["StatsTotalsResponse"]!["description"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("rounded down", schemas["SaleStatsResponse"]!["description"]!.GetValue<string>(), StringComparison.Ordinal);
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
    public async Task ThePurchase_DocumentsEveryStatusItAnswers_WithItsReasonsAndLocation()
    {
        var responses = Operation(await DocumentAsync(), "post", "/api/v1/sales/{id}/purchases")["responses"]!.AsObject();

        Assert.Superset(new HashSet<string> { "201", "202", "400", "401", "404", "409", "422", "429", "503" },
            responses.Select(r => r.Key).ToHashSet());
        Assert.All(new[] { "201", "202" }, created => Assert.NotNull(responses[created]!["headers"]?["Location"]));
        Assert.All(new[] { Reasons.InvalidIdempotencyKey, Reasons.InvalidJson, Reasons.ValidationFailed },
            reason => Assert.Contains($"`{reason}`", Description(responses["400"]!), StringComparison.Ordinal));
        Assert.All(new[] { Reasons.SoldOut, Reasons.LimitReached, Reasons.SaleNotStarted, Reasons.SaleEnded, Reasons.PriceChanged },
            reason => Assert.Contains($"`{reason}`", Description(responses["409"]!), StringComparison.Ordinal));
        Assert.Contains("outcomeUnknown", Description(responses["503"]!), StringComparison.Ordinal);
        Assert.All(new[] { "`remaining`", "`held`", "`limit`", "`unitPrice`", "`currency`", "`expectedUnitPrice`" },
            member => Assert.Contains(member, Description(responses["409"]!), StringComparison.Ordinal));
    }

    [Fact]
    public async Task TheHeadersReadByHand_AreDocumentedAsHeaderParameters()
    {
        var document = await DocumentAsync();

        var key = HeaderParameter(Operation(document, "post", "/api/v1/sales/{id}/purchases"), "Idempotency-Key");
        Assert.False(key["required"]?.GetValue<bool>() ?? false);
        var pattern = new System.Text.RegularExpressions.Regex(key["schema"]!["pattern"]!.GetValue<string>());
        Assert.Equal(100, key["schema"]!["maxLength"]!.GetValue<int>());
        Assert.Contains("scoped to (buyer, sale)", key["description"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.All(new[] { "a", "order-1_B", new string('x', 100), "", "with space", "ключ", new string('x', 101), "a/b" },
            sample => Assert.Equal(FlashSale.Purchasing.IdempotencyKeys.IsValid(sample), pattern.IsMatch(sample)));
        Assert.False(HeaderParameter(Operation(document, "get", "/api/v1/sales/{id}/events"), "Last-Event-ID")["required"]?.GetValue<bool>() ?? false);
    }

    private static JsonNode HeaderParameter(JsonNode operation, string name) =>
        Assert.Single(operation["parameters"]!.AsArray(), p => p!["in"]!.GetValue<string>() == "header" && p["name"]!.GetValue<string>() == name)!;

    [Fact]
    public async Task OperationsThatNeedAToken_SaySo_AndTheOpenOnesDoNot()
    {
        var document = await DocumentAsync();
        var operations = ApiOperations(document);

        static bool NeedsBearer(JsonNode operation) =>
            operation["security"]?.AsArray().Any(r => r!.AsObject().ContainsKey("Bearer")) == true;
        var secured = operations.Where(o => NeedsBearer(o.Operation)).Select(o => o.Name).ToHashSet();
        Assert.Contains("POST /api/v1/sales/{id}/purchases", secured);
        Assert.Contains("GET /api/v1/me/orders", secured);
        Assert.All(operations.Where(o => o.Name.Contains(" /api/v1/admin/", StringComparison.Ordinal)), o =>
        {
            Assert.Contains(o.Name, secured);
            Assert.Contains("admin role", o.Operation["description"]?.GetValue<string>() ?? "", StringComparison.Ordinal);
        });
        Assert.DoesNotContain("GET /api/v1/sales", secured);
        Assert.DoesNotContain("POST /api/v1/auth/token", secured);
        // The requirement and the 401 go together (the sign-in's 401 is invalid_credentials, not a missing token).
        Assert.All(operations.Where(o => o.Name != "POST /api/v1/auth/token"),
            o => Assert.Equal(secured.Contains(o.Name), o.Operation["responses"]!["401"] is not null));
    }

    [Theory]
    [InlineData("/api/v1/sales/{id}/events", "text/event-stream")]
    [InlineData("/api/v1/admin/sales/{id}/orders.csv", "text/csv")]
    public async Task StreamsDocumentTheirContentType(string path, string contentType)
    {
        var ok = Operation(await DocumentAsync(), "get", path)["responses"]!["200"]!;

        Assert.Equal([contentType], ok["content"]!.AsObject().Select(c => c.Key));
    }

    [Fact]
    public async Task EveryApiOperation_Documents429And503_WithRetryAfter()
    {
        var operations = ApiOperations(await DocumentAsync());

        Assert.Contains(operations, o => o.Name == "GET /api/v1/me/orders");
        Assert.All(operations, o => Assert.All(new[] { "429", "503" }, status =>
        {
            Assert.True(o.Operation["responses"]?[status]?["content"]?["application/problem+json"] is not null, $"{o.Name} does not document {status}");
            var retryAfter = o.Operation["responses"]?[status]?["headers"]?["Retry-After"];
            Assert.True(retryAfter?["schema"]?["type"]?.GetValue<string>() == "integer", $"{o.Name} {status} does not declare Retry-After");
        }));
    }

    [Fact]
    public async Task TheProblemSchema_HasItsReason_AndEveryProblemRefersToIt()
    {
        var document = await DocumentAsync();

        var problem = document["components"]!["schemas"]!["ProblemDetails"]!;
        var reason = problem["properties"]!["reason"]!;
        Assert.Equal("string", reason["type"]!.GetValue<string>());
        var reasons = typeof(Reasons).GetFields().Select(f => (string)f.GetRawConstantValue()!).Order(StringComparer.Ordinal);
        Assert.Equal(reasons, reason["enum"]!.AsArray().Select(r => r!.GetValue<string>()).Order(StringComparer.Ordinal));
        Assert.Contains("reason", problem["required"]!.AsArray().Select(r => r!.GetValue<string>()));
        Assert.All(new[] { "errors", "traceId", "rule", "retryAfter", "outcomeUnknown", "remaining", "held", "limit", "sold", "saleId",
                "unitPrice", "currency", "startsAt", "endsAt" },
            name => Assert.NotNull(problem["properties"]![name]));
        Assert.All(new[] { "remaining", "held", "limit", "sold" }, name => Assert.Equal("integer", problem["properties"]![name]!["type"]!.GetValue<string>()));
        Assert.Equal("number", problem["properties"]!["unitPrice"]!["type"]!.GetValue<string>());
        Assert.All(new[] { "startsAt", "endsAt" }, name =>
        {
            Assert.Equal("string", problem["properties"]![name]!["type"]!.GetValue<string>());
            Assert.Equal("date-time", problem["properties"]![name]!["format"]!.GetValue<string>());
        });
        var problems = ApiOperations(document).SelectMany(o => o.Operation["responses"]!.AsObject()
            .Where(r => r.Value!["content"]?["application/problem+json"] is not null)
            .Select(r => (Name: $"{o.Name} {r.Key}", Schema: r.Value!["content"]!["application/problem+json"]!["schema"]!))).ToList();
        Assert.True(problems.Count > 100, $"only {problems.Count} problem responses");
        Assert.All(problems, p => Assert.True(p.Schema["$ref"]?.GetValue<string>() == "#/components/schemas/ProblemDetails", $"{p.Name}: {p.Schema}"));
    }

    [Fact]
    public async Task OperationsDocumentTheirOwnRefusals_AndTheirAuthorization()
    {
        var document = await DocumentAsync();

        Assert.All(ApiOperations(document).Where(o => o.Name.Contains(" /api/v1/admin/", StringComparison.Ordinal)),
            o => Assert.All(new[] { "401", "403" }, status => Assert.True(o.Operation["responses"]![status] is not null, $"{o.Name} has no {status}")));
        Assert.Contains($"`{Reasons.FeatureDisabled}`", Description(Operation(document, "post", "/api/v1/admin/tokens")["responses"]!["404"]!),
            StringComparison.Ordinal);
        Assert.NotNull(Operation(document, "post", "/api/v1/admin/sales")["responses"]!["201"]!["headers"]?["Location"]);
        var patch = Description(Operation(document, "patch", "/api/v1/admin/sales/{id}")["responses"]!["409"]!);
        Assert.All(new[] { Reasons.SaleNotUpcoming, Reasons.SaleHasOrders, Reasons.SkuTaken, Reasons.SaleEnded, Reasons.StockBelowSold },
            reason => Assert.Contains($"`{reason}`", patch, StringComparison.Ordinal));
        var events = Operation(document, "get", "/api/v1/sales/{id}/events")["responses"]!;
        Assert.Contains($"`{Reasons.SaleNotFound}`", Description(events["404"]!), StringComparison.Ordinal);
        Assert.Contains("Live:MaxStreamsPerClient", Description(events["429"]!), StringComparison.Ordinal);
        Assert.Null(Operation(document, "get", "/api/v1/sales")["responses"]!["401"]);
    }

    /// <summary>
    /// Conformance: real answers, one per status the purchase and a few others give, are each declared for their
    /// operation, with their reason named and the headers the document says they carry.
    /// </summary>
    [Fact]
    public async Task RealAnswers_AreDeclaredForTheirOperation()
    {
        var document = await DocumentAsync();
        var sale = await Admin.CreateSaleAsync(stock: 2, perUserLimit: 2);
        var saleId = sale["id"]!.GetValue<string>();
        var buyers = await Admin.MintBuyersAsync(1);
        var buyer = Admin.WithToken(buyers[0].Token);
        var purchase = $"/api/v1/sales/{saleId}/purchases";
        var upcomingId = (await Admin.CreateSaleAsync(stock: 1, startsAt: DateTimeOffset.UtcNow.AddHours(1),
            endsAt: DateTimeOffset.UtcNow.AddHours(2)))["id"]!.GetValue<string>();
        var pricedId = (await Admin.CreateSaleAsync(stock: 1, price: 180m))["id"]!.GetValue<string>();
        var checks = new List<(string Verb, string Template, HttpStatusCode Expected, Func<Task<HttpResponseMessage>> Call)>
        {
            ("post", "/api/v1/sales/{id}/purchases", HttpStatusCode.BadRequest, () => buyer.PurchaseAsync(saleId, key: "not a key!")),
            ("post", "/api/v1/sales/{id}/purchases", HttpStatusCode.BadRequest, () => buyer.PostJsonAsync(purchase, """{"quantity":"1"}""")),
            ("post", "/api/v1/sales/{id}/purchases", HttpStatusCode.BadRequest, () => buyer.PurchaseAsync(saleId, quantity: 5)),
            ("post", "/api/v1/sales/{id}/purchases", HttpStatusCode.Unauthorized, () => buyer.Anonymous().PurchaseAsync(saleId)),
            ("post", "/api/v1/sales/{id}/purchases", HttpStatusCode.NotFound, () => buyer.PurchaseAsync(Guid.NewGuid().ToString())),
            ("post", "/api/v1/sales/{id}/purchases", HttpStatusCode.UnsupportedMediaType,
                () => buyer.SendAsync(HttpMethod.Post, purchase, new StringContent("quantity=1"))),
            ("post", "/api/v1/sales/{id}/purchases", HttpStatusCode.Created, () => buyer.PurchaseAsync(saleId, key: "k1")),
            ("post", "/api/v1/sales/{id}/purchases", HttpStatusCode.UnprocessableEntity, () => buyer.PurchaseAsync(saleId, quantity: 2, key: "k1")),
            ("post", "/api/v1/sales/{id}/purchases", HttpStatusCode.Conflict, () => buyer.PurchaseAsync(saleId, quantity: 2)),
            ("get", "/api/v1/sales", HttpStatusCode.BadRequest, () => buyer.GetAsync("/api/v1/sales?status=bogus")),
            ("get", "/api/v1/sales/{id}/events", HttpStatusCode.NotFound, () => buyer.GetAsync($"/api/v1/sales/{Guid.NewGuid()}/events")),
            ("get", "/api/v1/admin/stats", HttpStatusCode.Unauthorized, () => Admin.Anonymous().GetAsync("/api/v1/admin/stats")),
            ("get", "/api/v1/admin/stats", HttpStatusCode.Forbidden, () => buyer.GetAsync("/api/v1/admin/stats")),
            ("post", "/api/v1/admin/sales", HttpStatusCode.Conflict, () => Admin.PostJsonAsync("/api/v1/admin/sales", SameSku(sale))),
            ("get", "/api/v1/admin/sales/{id}/orders.csv", HttpStatusCode.OK, () => Admin.GetAsync($"/api/v1/admin/sales/{saleId}/orders.csv")),
            ("post", "/api/v1/admin/sales/{id}/end", HttpStatusCode.OK, () => Admin.SendAsync(HttpMethod.Post, $"/api/v1/admin/sales/{saleId}/end")),
            ("post", "/api/v1/admin/sales/{id}/end", HttpStatusCode.Conflict, () => Admin.SendAsync(HttpMethod.Post, $"/api/v1/admin/sales/{saleId}/end")),
            // The window's and the price's refusals, with their members (startsAt, endsAt; unitPrice, currency).
            ("patch", "/api/v1/admin/sales/{id}", HttpStatusCode.Conflict,
                () => Admin.SendAsync(HttpMethod.Patch, $"/api/v1/admin/sales/{saleId}", new StringContent("""{"totalStock":5}""", System.Text.Encoding.UTF8, "application/json"))),
            ("post", "/api/v1/sales/{id}/purchases", HttpStatusCode.Conflict, () => buyer.PurchaseAsync(saleId)),
            ("post", "/api/v1/sales/{id}/purchases", HttpStatusCode.Conflict, () => buyer.PurchaseAsync(upcomingId)),
            ("post", "/api/v1/sales/{id}/purchases", HttpStatusCode.Conflict,
                () => buyer.PostJsonAsync($"/api/v1/sales/{pricedId}/purchases", """{"quantity":1,"expectedUnitPrice":100}""")),
        };

        var failures = new List<string>();
        foreach (var (verb, template, expected, call) in checks)
        {
            using var response = await call();
            var status = (int)response.StatusCode;
            var name = $"{verb.ToUpperInvariant()} {template} {status}";
            Assert.True(response.StatusCode == expected, $"{name}: expected {(int)expected}: {await response.Content.ReadAsStringAsync()}");
            var declared = Operation(document, verb, template)["responses"]![status.ToString(System.Globalization.CultureInfo.InvariantCulture)];
            if (declared is null)
            {
                failures.Add($"{name} is not declared");
                continue;
            }

            if (status >= 400 && await Api.ReasonAsync(response) is { } reason && !Description(declared).Contains($"`{reason}`", StringComparison.Ordinal))
            {
                failures.Add($"{name}: reason {reason} is not named in '{Description(declared)}'");
            }

            var type = response.Content.Headers.ContentType?.MediaType;
            if (type is not null && declared["content"]?[type] is null)
            {
                failures.Add($"{name} is {type}, declared as {string.Join(", ", declared["content"]?.AsObject().Select(c => c.Key) ?? [])}");
            }

            // Every member a problem carries is in the problem schema (the 409s here: limit_reached's held and limit,
            // sku_taken's saleId, the window's startsAt and endsAt, price_changed's unitPrice and currency).
            if (type == "application/problem+json")
            {
                var members = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject().Select(m => m.Key);
                var schema = document["components"]!["schemas"]!["ProblemDetails"]!["properties"]!.AsObject();
                failures.AddRange(members.Where(m => !schema.ContainsKey(m)).Select(m => $"{name}: member {m} is not in the problem schema"));
            }

            foreach (var (header, _) in declared["headers"]?.AsObject() ?? [])
            {
                if (!response.Headers.Contains(header) && !response.Content.Headers.Contains(header))
                {
                    failures.Add($"{name} declares {header} and has none");
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    private static string SameSku(JsonObject sale) =>
        $$"""{"sku":"{{sale["sku"]}}","productName":"Other","price":1,"totalStock":1,"perUserLimit":1,"startsAt":"{{DateTimeOffset.UtcNow.AddMinutes(-1):O}}","endsAt":"{{DateTimeOffset.UtcNow.AddHours(1):O}}"}""";

    private static JsonNode Operation(JsonNode document, string verb, string path) => document["paths"]![path]![verb]!;

    private static string Description(JsonNode response) => response["description"]!.GetValue<string>();

    private static List<(string Name, JsonNode Operation)> ApiOperations(JsonNode document) =>
        document["paths"]!.AsObject()
            .Where(path => path.Key.StartsWith("/api/", StringComparison.Ordinal))
            .SelectMany(path => path.Value!.AsObject().Select(op => (Name: $"{op.Key.ToUpperInvariant()} {path.Key}", Operation: op.Value!)))
            .ToList();

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
