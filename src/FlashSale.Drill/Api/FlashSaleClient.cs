using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace FlashSale.Drill.Api;

/// <summary>Typed client for the parts of the FlashSale API the drill uses. Every URL is built from the one base address.</summary>
internal sealed class FlashSaleClient(HttpClient http, Uri baseUrl, TimeSpan requestTimeout)
{
    private readonly Uri _base = baseUrl.AbsoluteUri.EndsWith('/') ? baseUrl : new Uri(baseUrl.AbsoluteUri + "/");

    public Uri BaseUrl => _base;

    public Task<ApiCallResult<TokenResponse>> SignInAsync(string username, string password, CancellationToken ct) =>
        SendAsync(HttpMethod.Post, "api/v1/auth/token", null,
            () => JsonContent.Create(new TokenRequest(username, password), DrillJsonContext.Default.TokenRequest),
            DrillJsonContext.Default.TokenResponse, ct);

    public Task<ApiCallResult<MintTokensResponse>> MintBuyersAsync(string adminToken, int count, CancellationToken ct) =>
        SendAsync(HttpMethod.Post, "api/v1/admin/tokens", adminToken,
            () => JsonContent.Create(new MintTokensRequest(count), DrillJsonContext.Default.MintTokensRequest),
            DrillJsonContext.Default.MintTokensResponse, ct);

    public Task<ApiCallResult<SaleDto>> CreateSaleAsync(string adminToken, CreateSaleRequest sale, CancellationToken ct) =>
        SendAsync(HttpMethod.Post, "api/v1/admin/sales", adminToken,
            () => JsonContent.Create(sale, DrillJsonContext.Default.CreateSaleRequest), DrillJsonContext.Default.SaleDto, ct);

    public Task<ApiCallResult<SaleDto>> GetSaleAsync(string saleId, CancellationToken ct) =>
        SendAsync(HttpMethod.Get, $"api/v1/sales/{Uri.EscapeDataString(saleId)}", null, null,
            DrillJsonContext.Default.SaleDto, ct);

    public Task<ApiCallResult<StockDto>> GetStockAsync(string saleId, CancellationToken ct) =>
        SendAsync(HttpMethod.Get, $"api/v1/sales/{Uri.EscapeDataString(saleId)}/stock", null, null,
            DrillJsonContext.Default.StockDto, ct);

    public Task<ApiCallResult<AdminOrdersPage>> GetOrdersPageAsync(string adminToken, string saleId, string? cursor,
        CancellationToken ct)
    {
        var path = $"api/v1/admin/sales/{Uri.EscapeDataString(saleId)}/orders?limit=500&order=asc" +
                   (cursor is null ? "" : $"&cursor={Uri.EscapeDataString(cursor)}");
        return SendAsync(HttpMethod.Get, path, adminToken, null, DrillJsonContext.Default.AdminOrdersPage, ct);
    }

    private const string ProblemMediaType = "application/problem+json";

    /// <summary>Never throws for what the server or the network does; only when <paramref name="ct"/> is cancelled.</summary>
    public async Task<PurchaseResult> PurchaseAsync(string buyerToken, string saleId, int quantity, string? idempotencyKey,
        CancellationToken ct)
    {
        using var request = NewRequest(HttpMethod.Post, $"api/v1/sales/{Uri.EscapeDataString(saleId)}/purchases", buyerToken);
        request.Content = JsonContent.Create(new PurchaseRequest(quantity), DrillJsonContext.Default.PurchaseRequest);
        if (idempotencyKey is not null)
        {
            request.Headers.TryAddWithoutValidation("Idempotency-Key", idempotencyKey);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(requestTimeout);
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, timeout.Token);
            var status = (int)response.StatusCode;
            var body = await response.Content.ReadAsByteArrayAsync(timeout.Token);
            if (status is 201 or 202)
            {
                // The whole order as told, not only its id: the checker holds the buyer, sale and units against the record.
                var order = TryParse(body, DrillJsonContext.Default.PurchaseResponse);
                return new PurchaseResult(status, order is null ? "unparseable_body" : null, order?.OrderId, order?.Status, null)
                {
                    AckUserId = order?.UserId, AckSaleId = order?.SaleId, AckQuantity = order?.Quantity,
                };
            }

            var problem = TryParse(body, DrillJsonContext.Default.ProblemDto);
            // Only the server's own problem says whether a 5xx bought: a proxy's error page (nginx's 502/504) is no problem.
            var isProblem = problem is not null && string.Equals(response.Content.Headers.ContentType?.MediaType,
                ProblemMediaType, StringComparison.OrdinalIgnoreCase);
            // The detail is kept for 5xx only (few, and the report shows it); every 409's would cost memory for nothing.
            return new PurchaseResult(status, problem?.Reason, null, null, null, status >= 500 ? problem?.Detail : null,
                status is 429 or 503 ? response.Headers.RetryAfter is not null : null,
                status >= 500 && isProblem ? problem!.OutcomeUnknown == true : null)
            {
                // A refusal's numbers say what it was judged by; the checker holds them against the quantity asked.
                Remaining = problem?.Remaining, Held = problem?.Held, Limit = problem?.Limit,
            };
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return new PurchaseResult(0, null, null, null, "timeout");
        }
        catch (HttpRequestException e)
        {
            return new PurchaseResult(0, null, null, null, e.HttpRequestError.ToString());
        }
    }

    /// <summary>
    /// A setup or evidence call the server answers 429 or 503 (documented backpressure: nothing was done) is sent again
    /// after its Retry-After, for at most this long in total. Purchases are never retried here: the flood records them.
    /// </summary>
    public static readonly TimeSpan MaxBackpressureWait = TimeSpan.FromMinutes(2);

    /// <summary>Told before each backpressure wait (what is waited for and how long), and with null when the call goes on.</summary>
    public Action<string?>? OnBackpressure { get; set; }

    // The body is built afresh for each try (content): a request disposes its content with itself.
    private async Task<ApiCallResult<T>> SendAsync<T>(HttpMethod method, string path, string? bearer, Func<HttpContent>? content,
        JsonTypeInfo<T> typeInfo, CancellationToken ct)
        where T : class
    {
        var waited = TimeSpan.Zero;
        while (true)
        {
            var (result, retryAfter) = await SendOnceAsync(method, path, bearer, content?.Invoke(), typeInfo, ct);
            if (result.Status is not (429 or 503) || waited >= MaxBackpressureWait)
            {
                return result;
            }

            var wait = retryAfter is { } asked ? TimeSpan.FromTicks(Math.Clamp(asked.Ticks, TimeSpan.FromMilliseconds(100).Ticks, TimeSpan.FromSeconds(30).Ticks))
                : TimeSpan.FromSeconds(1);
            waited += wait;
            // The server's detail ends its sentence ("… Retry after 6 s."): "….; again in" read badly (2026-12-07).
            OnBackpressure?.Invoke($"{method} {path}: {result.Describe().TrimEnd('.', ' ')}; again in {wait.TotalSeconds:0.#} s");
            await Task.Delay(wait, ct);
            OnBackpressure?.Invoke(null);
        }
    }

    private async Task<(ApiCallResult<T> Result, TimeSpan? RetryAfter)> SendOnceAsync<T>(HttpMethod method, string path, string? bearer,
        HttpContent? content, JsonTypeInfo<T> typeInfo, CancellationToken ct)
        where T : class
    {
        using var request = NewRequest(method, path, bearer);
        request.Content = content;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(requestTimeout);
        try
        {
            using var response = await http.SendAsync(request, timeout.Token);
            var body = await response.Content.ReadAsByteArrayAsync(timeout.Token);
            var status = (int)response.StatusCode;
            var retryAfter = response.Headers.RetryAfter is { } header
                ? header.Delta ?? (header.Date is { } date ? date - DateTimeOffset.UtcNow : null)
                : null;
            return (status is >= 200 and < 300
                ? new ApiCallResult<T>(status, TryParse(body, typeInfo), null)
                : new ApiCallResult<T>(status, null, TryParse(body, DrillJsonContext.Default.ProblemDto)), retryAfter);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new DrillSetupException($"{method} {_base}{path} timed out after {requestTimeout.TotalSeconds:0.#}s.");
        }
        catch (HttpRequestException e)
        {
            throw new DrillSetupException(
                $"Cannot reach {_base} ({e.HttpRequestError}: {e.Message}). Is the FlashSale server running there?", e);
        }
    }

    private HttpRequestMessage NewRequest(HttpMethod method, string path, string? bearer)
    {
        var request = new HttpRequestMessage(method, new Uri(_base, path)) { Version = HttpVersion.Version11 };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        return request;
    }

    private static T? TryParse<T>(byte[] body, JsonTypeInfo<T> typeInfo)
        where T : class
    {
        if (body.Length == 0)
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize(body, typeInfo);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
