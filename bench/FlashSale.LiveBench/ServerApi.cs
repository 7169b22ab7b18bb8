using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace FlashSale.LiveBench;

/// <summary>The few API calls the benchmark makes: sign in as admin, create a sale, mint a buyer, buy.</summary>
internal sealed class ServerApi(string url) : IDisposable
{
    public HttpClient Http { get; } = new(new SocketsHttpHandler
    {
        MaxConnectionsPerServer = int.MaxValue,
        PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
    })
    { BaseAddress = new Uri(url), Timeout = Timeout.InfiniteTimeSpan };

    public async Task<string> FirstSaleAsync()
    {
        using var list = JsonDocument.Parse(await Http.GetStringAsync("/api/v1/sales"));
        return list.RootElement.GetProperty("items")[0].GetProperty("id").GetString()!;
    }

    public async Task<string> AdminTokenAsync(string password) =>
        (await SendAsync(HttpMethod.Post, "/api/v1/auth/token", null, new { username = "admin", password }))["accessToken"]!.GetValue<string>();

    public async Task<string> CreateSaleAsync(string adminToken, int stock)
    {
        var now = DateTimeOffset.UtcNow;
        var sale = await SendAsync(HttpMethod.Post, "/api/v1/admin/sales", adminToken, new
        {
            sku = $"live-bench-{Guid.NewGuid():N}",
            productName = "Live feed benchmark",
            price = 1.00m,
            totalStock = stock,
            perUserLimit = stock,
            startsAt = now.AddMinutes(-1),
            endsAt = now.AddHours(1),
        });
        return sale["id"]!.GetValue<string>();
    }

    /// <summary>A buyer token (POST /api/v1/admin/tokens: the server needs Auth:SyntheticBuyers:Enabled=true).</summary>
    public async Task<string> MintBuyerAsync(string adminToken) =>
        (await SendAsync(HttpMethod.Post, "/api/v1/admin/tokens", adminToken, new { count = 1 }))["tokens"]![0]!["accessToken"]!.GetValue<string>();

    /// <summary>Buys one unit; the stock left after it.</summary>
    public async Task<int> PurchaseAsync(string buyerToken, string saleId) =>
        (await SendAsync(HttpMethod.Post, $"/api/v1/sales/{saleId}/purchases", buyerToken, new { quantity = 1 }))["remainingStock"]!.GetValue<int>();

    private async Task<JsonNode> SendAsync(HttpMethod method, string path, string? token, object body)
    {
        using var request = new HttpRequestMessage(method, path) { Version = HttpVersion.Version11, Content = JsonContent.Create(body) };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        using var response = await Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{method} {path} answered {(int)response.StatusCode}: {text}");
        }

        return JsonNode.Parse(text)!;
    }

    public void Dispose() => Http.Dispose();
}
