using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace FlashSale.Tests.Infrastructure;

/// <summary>A thin typed client over the JSON API, used by the HTTP tests.</summary>
public sealed class Api(HttpClient http, string? token = null)
{
    public HttpClient Http { get; } = http;

    public string? Token { get; } = token;

    public static async Task<Api> AsAdminAsync(HttpClient http)
    {
        var api = new Api(http);
        var token = await api.TokenAsync("admin", TestApp.AdminPassword);
        return api.WithToken(token);
    }

    public Api WithToken(string token) => new(Http, token);

    public Api Anonymous() => new(Http);

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, HttpContent? content = null,
        Action<HttpRequestMessage>? configure = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        if (Token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        }

        configure?.Invoke(request);
        return await Http.SendAsync(request);
    }

    public Task<HttpResponseMessage> PostAsJsonAsync<T>(string path, T value) =>
        SendAsync(HttpMethod.Post, path, JsonContent.Create(value));

    public Task<HttpResponseMessage> GetAsync(string path) => SendAsync(HttpMethod.Get, path);

    public async Task<string> TokenAsync(string username, string password)
    {
        using var response = await PostAsJsonAsync("/api/v1/auth/token", new { username, password });
        await EnsureAsync(response, HttpStatusCode.OK);
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["accessToken"]!.GetValue<string>();
    }

    /// <summary>Synthetic buyers (admin only): fast identities for concurrency tests.</summary>
    public async Task<List<(string UserId, string Token)>> MintBuyersAsync(int count)
    {
        using var response = await PostAsJsonAsync("/api/v1/admin/tokens", new { count });
        await EnsureAsync(response, HttpStatusCode.OK);
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        return body["tokens"]!.AsArray()
            .Select(t => (t!["userId"]!.GetValue<string>(), t["accessToken"]!.GetValue<string>())).ToList();
    }

    public async Task<JsonObject> CreateSaleAsync(int stock, int perUserLimit = 1, DateTimeOffset? startsAt = null,
        DateTimeOffset? endsAt = null, decimal price = 10m, string currency = "USD", string productName = "Test product")
    {
        var now = DateTimeOffset.UtcNow;
        using var response = await PostAsJsonAsync("/api/v1/admin/sales", new
        {
            sku = $"TEST-{Guid.NewGuid():N}",
            productName,
            price,
            currency,
            totalStock = stock,
            perUserLimit,
            startsAt = startsAt ?? now.AddMinutes(-1),
            endsAt = endsAt ?? now.AddHours(1),
        });
        await EnsureAsync(response, HttpStatusCode.Created);
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    public Task<HttpResponseMessage> PurchaseAsync(string saleId, int quantity = 1, string? key = null) =>
        PostJsonAsync($"/api/v1/sales/{saleId}/purchases", $$"""{"quantity":{{quantity}}}""", key);

    /// <summary>A purchase that must be answered 201 (asserted): its order's id.</summary>
    public async Task<string> BoughtAsync(string saleId, string? key = null, int quantity = 1)
    {
        using var response = await PurchaseAsync(saleId, quantity, key);
        await EnsureAsync(response, HttpStatusCode.Created);
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["orderId"]!.GetValue<string>();
    }

    public Task<HttpResponseMessage> PostJsonAsync(string path, string json, string? idempotencyKey = null) =>
        SendAsync(HttpMethod.Post, path, new StringContent(json, System.Text.Encoding.UTF8, "application/json"), request =>
        {
            if (idempotencyKey is not null)
            {
                request.Headers.Add("Idempotency-Key", idempotencyKey);
            }
        });

    public async Task<JsonObject> GetJsonAsync(string path)
    {
        using var response = await GetAsync(path);
        await EnsureAsync(response, HttpStatusCode.OK);
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    public async Task<JsonObject> StockAsync(string saleId) => await GetJsonAsync($"/api/v1/sales/{saleId}/stock");

    /// <summary>All orders of a sale through the admin API, every page.</summary>
    public async Task<List<JsonObject>> AllOrdersAsync(string saleId)
    {
        var all = new List<JsonObject>();
        string? cursor = null;
        do
        {
            var page = await GetJsonAsync($"/api/v1/admin/sales/{saleId}/orders?limit=1000{(cursor is null ? "" : $"&cursor={cursor}")}");
            all.AddRange(page["items"]!.AsArray().Select(o => o!.AsObject()));
            cursor = page["nextCursor"]?.GetValue<string>();
        }
        while (cursor is not null);
        return all;
    }

    public static async Task<string?> ReasonAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return (await ProblemAsync(response))?["reason"]?.GetValue<string>();
    }

    /// <summary>A problem answer's detail: what a client (and the drill) reads to know whether anything was bought.</summary>
    public static async Task<string> DetailAsync(HttpResponseMessage response) =>
        (await ProblemAsync(response))?["detail"]?.GetValue<string>() ?? "";

    /// <summary>The problem body, read as text (buffered, so its reason and its detail can both be read).</summary>
    private static async Task<JsonNode?> ProblemAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return text.Length == 0 ? null : JsonNode.Parse(text);
    }

    /// <summary>The answer to <paramref name="request"/>, which must be a <paramref name="status"/> problem with this reason.</summary>
    public static async Task<JsonObject> ExpectProblemAsync(Task<HttpResponseMessage> request, HttpStatusCode status, string reason)
    {
        using var response = await request;
        await EnsureAsync(response, status);
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
        Assert.Equal(reason, problem["reason"]?.GetValue<string>());
        return problem;
    }

    public static async Task EnsureAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        if (response.StatusCode != expected)
        {
            throw new Xunit.Sdk.XunitException(
                $"Expected {(int)expected}, got {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }
    }
}
