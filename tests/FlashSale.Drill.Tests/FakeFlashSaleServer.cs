using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace FlashSale.Drill.Tests;

/// <summary>
/// An in-memory stand-in for the FlashSale API, enough to drive the whole drill pipeline without the real server,
/// with switchable bugs so the drill must notice them.
/// </summary>
internal sealed class FakeFlashSaleServer(FakeServerBug bug = FakeServerBug.None) : HttpMessageHandler
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, JsonObject> _sales = [];
    private readonly Dictionary<string, List<JsonObject>> _orders = [];
    private readonly Dictionary<string, (int Status, string Body)> _replays = [];
    // Orders not yet listed (UnknownOutcomesListedLate): how many more listings of their sale they miss.
    private readonly Dictionary<JsonObject, int> _unlisted = [];
    private int _users;
    private bool _throttled;
    private readonly HashSet<string> _throttledPosts = [];
    private int _purchases;
    private bool _hangNext;

    /// <summary>How late <see cref="FakeServerBug.EveryFifthSaleAnswersLate"/> answers: past the drill's default stop grace (5 s).</summary>
    private static readonly TimeSpan LateAnswer = TimeSpan.FromSeconds(6);

    public List<Uri> Requested { get; } = [];

    /// <summary>Called with each request's address before it is answered (e.g. to break something mid-run).</summary>
    public Action<Uri>? OnRequest { get; set; }

    /// <summary>Called with each purchase's Idempotency-Key (null without one) before it is answered.</summary>
    public Action<string?>? OnPurchase { get; set; }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? null : JsonNode.Parse(await request.Content.ReadAsStringAsync(cancellationToken));
        var token = request.Headers.Authorization?.Parameter;
        var path = request.RequestUri!.AbsolutePath.TrimStart('/').Split('/');
        OnRequest?.Invoke(request.RequestUri);
        if (request.RequestUri.AbsolutePath.EndsWith("/purchases", StringComparison.Ordinal))
        {
            OnPurchase?.Invoke(request.Headers.TryGetValues("Idempotency-Key", out var sent) ? sent.Single() : null);
        }
        var response = Answer(request, path, body, token, out var hang);
        if (hang)
        {
            await Task.Delay(bug == FakeServerBug.EveryFifthSaleAnswersLate ? LateAnswer : Timeout.InfiniteTimeSpan, cancellationToken);
        }

        return response;
    }

    private HttpResponseMessage Answer(HttpRequestMessage request, string[] path, JsonNode? body, string? token, out bool hang)
    {
        lock (_gate)
        {
            hang = false;
            var uri = request.RequestUri!;
            Requested.Add(uri);
            if ((bug == FakeServerBug.ThrottlesTheFirstOrderListing && !_throttled && uri.AbsolutePath.EndsWith("/orders", StringComparison.Ordinal))
                || (bug == FakeServerBug.ThrottlesTheFirstOfEachPost && request.Method == HttpMethod.Post
                    && Template(path) is "auth/token" or "admin/tokens" or "admin/sales" && _throttledPosts.Add(Template(path))))
            {
                _throttled = true;
                var (_, problem) = Problem(429, "rate_limited");
                var refused = new HttpResponseMessage(HttpStatusCode.TooManyRequests)
                {
                    Content = new StringContent(problem, Encoding.UTF8, "application/problem+json"),
                };
                refused.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromSeconds(1));
                return refused;
            }

            var (status, json) = Route(request.Method.Method, path, uri.Query, body, token,
                request.Headers.TryGetValues("Idempotency-Key", out var keys) ? keys.Single() : null);
            (hang, _hangNext) = (_hangNext, false);
            var response = new HttpResponseMessage((HttpStatusCode)status)
            {
                Content = new StringContent(json, Encoding.UTF8, status >= 400 ? "application/problem+json" : "application/json"),
            };
            if (status is 429 or 503 && bug != FakeServerBug.NoRetryAfter)
            {
                response.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromSeconds(1));
            }

            return response;
        }
    }

    private (int, string) Route(string method, string[] p, string query, JsonNode? body, string? token, string? key) =>
        (method, Template(p)) switch
        {
            ("POST", "auth/token") => body!["password"]!.GetValue<string>() == "pw"
                ? (200, """{"accessToken":"admin-token","tokenType":"Bearer","expiresAt":"2030-01-01T00:00:00Z"}""")
                : Problem(401, "invalid_credentials"),
            ("POST", "admin/tokens") => Mint(body!["count"]!.GetValue<int>()),
            ("POST", "admin/sales") => CreateSale(body!.AsObject()),
            ("GET", "sales/{id}") => _sales.TryGetValue(p[3], out var s) ? (200, Sale(s).ToJsonString()) : Problem(404, "sale_not_found"),
            ("GET", "sales/{id}/stock") => (200, Stock(p[3])),
            ("POST", "sales/{id}/purchases") => Purchase(p[3], token!, key, body!["quantity"]!.GetValue<int>()),
            ("GET", "admin/sales/{id}/orders") => Orders(p[4], query),
            _ => Problem(404, "not_found"),
        };

    // "api/v1/sales/123/stock" → "sales/{id}/stock"; "api/v1/admin/sales/123/orders" → "admin/sales/{id}/orders".
    private static string Template(string[] p)
    {
        var rest = p.Skip(2).ToArray();
        var idAt = rest.Length > 1 && rest[0] == "sales" ? 1 : rest.Length > 2 && rest[1] == "sales" ? 2 : -1;
        if (idAt > 0)
        {
            rest[idAt] = "{id}";
        }

        return string.Join('/', rest);
    }

    /// <summary>A sale that exists before the drill runs (for <c>--sale</c>): active, or opening in <paramref name="startsIn"/>.</summary>
    public string AddSale(int stock, int limit, TimeSpan? startsIn = null)
    {
        lock (_gate)
        {
            var now = DateTimeOffset.UtcNow;
            var (_, json) = CreateSale(new JsonObject
            {
                ["sku"] = "existing", ["totalStock"] = stock, ["perUserLimit"] = limit,
                ["startsAt"] = now + (startsIn ?? TimeSpan.FromMinutes(-1)), ["endsAt"] = now.AddHours(2),
            });
            return JsonNode.Parse(json)!["id"]!.GetValue<string>();
        }
    }

    private (int, string) Mint(int count)
    {
        if (bug == FakeServerBug.SyntheticBuyersDisabled)
        {
            return Problem(404, "feature_disabled");
        }

        if (bug == FakeServerBug.MintsAtMostAHundred && count > 100)
        {
            // As the server writes it: the detail points at the errors.
            return (400, new JsonObject
            {
                ["type"] = "https://flashsale.dev/problems/validation_failed", ["title"] = "The request is not valid.", ["status"] = 400,
                ["detail"] = "See 'errors' for each field.", ["reason"] = "validation_failed",
                ["errors"] = new JsonObject { ["count"] = new JsonArray("must be between 1 and 100.") },
            }.ToJsonString());
        }

        var tokens = new JsonArray();
        for (var i = 0; i < count; i++)
        {
            var id = ++_users;
            tokens.Add(new JsonObject { ["userId"] = $"u{id}", ["username"] = $"buyer{id}", ["accessToken"] = $"t-u{id}" });
        }

        return (200, new JsonObject { ["tokens"] = tokens, ["expiresAt"] = "2030-01-01T00:00:00Z" }.ToJsonString());
    }

    private (int, string) CreateSale(JsonObject request)
    {
        var id = Guid.NewGuid().ToString();
        var sale = (JsonObject)request.DeepClone();
        sale["id"] = id;
        sale["remainingStock"] = sale["totalStock"]!.GetValue<int>();
        if (bug == FakeServerBug.IgnoresCreateLimit)
        {
            sale["perUserLimit"] = 5;
        }

        _sales[id] = sale;
        _orders[id] = [];
        return (201, Sale(sale).ToJsonString());
    }

    private static JsonObject Sale(JsonObject sale)
    {
        var copy = (JsonObject)sale.DeepClone();
        var remaining = sale["remainingStock"]!.GetValue<int>();
        copy["sold"] = sale["totalStock"]!.GetValue<int>() - remaining;
        copy["status"] = DateTimeOffset.UtcNow < sale["startsAt"]!.GetValue<DateTimeOffset>() ? "upcoming"
            : remaining <= 0 ? "sold_out" : "active";
        copy["serverTime"] = DateTimeOffset.UtcNow;
        return copy;
    }

    private string Stock(string saleId)
    {
        var sale = _sales[saleId];
        var total = sale["totalStock"]!.GetValue<int>();
        var remaining = sale["remainingStock"]!.GetValue<int>();
        return new JsonObject
        {
            ["saleId"] = saleId, ["totalStock"] = total, ["remainingStock"] = remaining, ["sold"] = total - remaining,
            ["status"] = "active", ["serverTime"] = DateTimeOffset.UtcNow,
        }.ToJsonString();
    }

    private (int, string) Purchase(string saleId, string token, string? key, int quantity)
    {
        var user = token["t-".Length..];
        if (key is not null && _replays.TryGetValue($"{saleId}/{user}/{key}", out var replay))
        {
            return replay;
        }

        if (bug == FakeServerBug.NoRetryAfter && ++_purchases % 3 == 0)
        {
            // Fails closed, as documented, but does not say when to come back.
            return Problem(503, "unavailable", "Orders cannot be recorded right now; nothing was bought. Try again shortly.");
        }

        var sale = _sales[saleId];
        if (DateTimeOffset.UtcNow < sale["startsAt"]!.GetValue<DateTimeOffset>())
        {
            return Problem(409, "sale_not_started");
        }

        var held = _orders[saleId].Where(o => o["userId"]!.GetValue<string>() == user).Sum(o => o["quantity"]!.GetValue<int>());
        var remaining = sale["remainingStock"]!.GetValue<int>();
        (int, string) outcome;
        var limit = sale["perUserLimit"]!.GetValue<int>();
        if (held + quantity > limit)
        {
            outcome = Problem(409, "limit_reached", numbers: new JsonObject { ["held"] = held, ["limit"] = limit });
        }
        else if ((remaining < quantity && bug != FakeServerBug.Oversell) || bug == FakeServerBug.SellsNothing)
        {
            // A server that sells nothing says there is nothing: its answers agree with themselves, not with the stock.
            outcome = Problem(409, "sold_out", numbers: new JsonObject { ["remaining"] = bug == FakeServerBug.SellsNothing ? 0 : remaining });
        }
        else if (bug == FakeServerBug.SoldOutOneUnitEarly && remaining == quantity)
        {
            outcome = Problem(409, "sold_out", numbers: new JsonObject { ["remaining"] = remaining });
        }
        else
        {
            sale["remainingStock"] = remaining - quantity;
            var order = new JsonObject
            {
                ["orderId"] = Guid.NewGuid().ToString(), ["saleId"] = saleId, ["userId"] = user, ["username"] = "b",
                ["quantity"] = quantity, ["status"] = "confirmed", ["idempotencyKey"] = key,
            };
            _hangNext = bug is FakeServerBug.EveryFifthSaleHangs or FakeServerBug.EveryFifthSaleAnswersLate && ++_purchases % 5 == 0;
            var third = bug is FakeServerBug.LoseEveryThirdOrder or FakeServerBug.BuysButAnswersNothingWasBought
                or FakeServerBug.UnknownOutcomesListedLate or FakeServerBug.UnknownOutcomesNeverListed && ++_purchases % 3 == 0;
            var unknown = third && bug is FakeServerBug.UnknownOutcomesListedLate or FakeServerBug.UnknownOutcomesNeverListed;
            if (!(third && bug == FakeServerBug.LoseEveryThirdOrder))
            {
                _orders[saleId].Add(order);
            }

            if (unknown)
            {
                _unlisted[order] = bug == FakeServerBug.UnknownOutcomesListedLate ? 1 : int.MaxValue;
            }

            var told = (JsonObject)order.DeepClone();
            if (bug == FakeServerBug.AcknowledgesAnotherBuyer)
            {
                told["userId"] = "u-someone-else";
            }

            outcome = third && bug == FakeServerBug.BuysButAnswersNothingWasBought
                ? Problem(503, "unavailable", "The record refused this order; nothing was bought.")
                : unknown
                    ? Problem(503, "unavailable", "The purchase ledger did not answer in time; retry with the same key to learn its outcome.",
                        new JsonObject { ["outcomeUnknown"] = true })
                    : (201, told.ToJsonString());
        }

        if (key is not null)
        {
            _replays[$"{saleId}/{user}/{key}"] = outcome;
        }

        return outcome;
    }

    private (int, string) Orders(string saleId, string query)
    {
        var cursor = query.Split('&').FirstOrDefault(q => q.StartsWith("cursor=", StringComparison.Ordinal))?["cursor=".Length..];
        var from = cursor is null ? 0 : int.Parse(cursor, System.Globalization.CultureInfo.InvariantCulture);
        if (cursor is null)
        {
            // A new listing: the orders still in the "outbox" miss one more of them.
            foreach (var (waiting, left) in _unlisted.Where(p => p.Key["saleId"]!.GetValue<string>() == saleId).ToList())
            {
                if (left == 0)
                {
                    _unlisted.Remove(waiting);
                }
                else
                {
                    _unlisted[waiting] = left == int.MaxValue ? left : left - 1;
                }
            }
        }

        var all = _orders[saleId].Where(o => !_unlisted.ContainsKey(o)).ToList();
        var page = all.Skip(from).Take(7).Select(o => (JsonNode)o.DeepClone()).ToArray();
        var next = from + page.Length < all.Count ? (from + page.Length).ToString(System.Globalization.CultureInfo.InvariantCulture) : null;
        if (bug == FakeServerBug.OtherShoppersBuy && next is null)
        {
            var sale = _sales[saleId];
            sale["remainingStock"] = sale["remainingStock"]!.GetValue<int>() - 1;
            _orders[saleId].Add(new JsonObject
            {
                ["orderId"] = Guid.NewGuid().ToString(), ["saleId"] = saleId, ["userId"] = $"stranger-{_orders[saleId].Count}",
                ["username"] = "s", ["quantity"] = 1, ["status"] = "confirmed", ["idempotencyKey"] = null,
            });
        }

        return (200, new JsonObject { ["items"] = new JsonArray(page), ["nextCursor"] = next }.ToJsonString());
    }

    // numbers: the problem's extension members (a sold_out's remaining, a limit_reached's held and limit, outcomeUnknown).
    private static (int, string) Problem(int status, string reason, string? detail = null, JsonObject? numbers = null)
    {
        var problem = new JsonObject
        {
            ["type"] = "about:blank", ["title"] = reason, ["status"] = status, ["detail"] = detail, ["reason"] = reason,
        };
        foreach (var (name, value) in numbers ?? [])
        {
            problem[name] = value?.DeepClone();
        }

        return (status, problem.ToJsonString());
    }
}
