using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FlashSale.Tests.Infrastructure;

namespace FlashSale.Tests.Faults.Distributed;

/// <summary>
/// The client-side book of a fault drill: every answer a buyer got, recorded as it arrives, and
/// afterwards checked against the system of record through the admin API (G1–G4, G7):
/// every acknowledged purchase (201, and 202 pending once it lands) is recorded exactly once for
/// the same buyer; nobody holds more than the limit; nothing is oversold; once the outbox is
/// drained the ledger (stock endpoint) and the record agree; no 5xx but 503 `unavailable`.
/// </summary>
public sealed class DistributedAckLedger
{
    private static readonly HashSet<string?> ConflictReasons =
        ["sold_out", "limit_reached", "sale_not_started", "sale_ended"];

    private readonly ConcurrentDictionary<string, Ack> _acks = new();
    private readonly ConcurrentDictionary<int, int> _statuses = new();
    private readonly ConcurrentQueue<string> _violations = new();
    private readonly ConcurrentQueue<double> _latenciesMs = new();
    private int _noAnswer;

    public int Acknowledged => _acks.Count;

    public int Pending => _acks.Values.Count(a => a.Pending);

    public int NoAnswer => _noAnswer;

    public int Count(HttpStatusCode status) => _statuses.GetValueOrDefault((int)status);

    public int Attempts => _statuses.Values.Sum() + _noAnswer;

    /// <summary>The slowest answer seen (ms).</summary>
    public double MaxLatencyMs => _latenciesMs.IsEmpty ? 0 : _latenciesMs.Max();

    public IReadOnlyCollection<string> Violations => _violations;

    /// <summary>Records one answer to a purchase of <paramref name="quantity"/> units by <paramref name="userId"/>.</summary>
    public async Task<HttpStatusCode> RecordAsync(string saleId, string userId, int quantity, HttpResponseMessage response,
        TimeSpan? took = null)
    {
        var status = response.StatusCode;
        _statuses.AddOrUpdate((int)status, 1, (_, n) => n + 1);
        if (took is { } t)
        {
            _latenciesMs.Enqueue(t.TotalMilliseconds);
        }

        switch (status)
        {
            case HttpStatusCode.Created or HttpStatusCode.Accepted:
                var order = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
                var ack = new Ack(order["orderId"]!.GetValue<string>(), saleId, userId, quantity, status == HttpStatusCode.Accepted);
                var expected = ack.Pending ? "pending" : "confirmed";
                if (order["status"]?.GetValue<string>() != expected || order["userId"]?.GetValue<string>() != userId
                    || order["saleId"]?.GetValue<string>() != saleId || order["quantity"]?.GetValue<int>() != quantity)
                {
                    _violations.Enqueue($"{(int)status} with a body that is not this buyer's {expected} order: {order.ToJsonString()}");
                }

                // The same order id twice is a replay of one key (fine) only for the same buyer and sale.
                var first = _acks.GetOrAdd(ack.OrderId, ack);
                if (first.UserId != userId || first.SaleId != saleId)
                {
                    _violations.Enqueue($"order {ack.OrderId} acknowledged to {first.UserId} and to {userId}");
                }
                else if (!ack.Pending && first.Pending)
                {
                    _acks[ack.OrderId] = ack;
                }

                break;
            case HttpStatusCode.Conflict:
                var reason = await Api.ReasonAsync(response);
                if (!ConflictReasons.Contains(reason))
                {
                    _violations.Enqueue($"409 with reason {reason}");
                }

                break;
            case HttpStatusCode.ServiceUnavailable:
                var why = await Api.ReasonAsync(response);
                if (why != "unavailable" || response.Headers.RetryAfter is null)
                {
                    _violations.Enqueue($"503 with reason {why}, Retry-After {response.Headers.RetryAfter}");
                }

                break;
            default:
                _violations.Enqueue($"unexpected {(int)status}: {await response.Content.ReadAsStringAsync()}");
                break;
        }

        return status;
    }

    /// <summary>The connection died under the request (the instance was killed): no answer, no promise.</summary>
    public void RecordNoAnswer() => Interlocked.Increment(ref _noAnswer);

    public string Summary() =>
        $"{Attempts} attempts: " + string.Join(", ", _statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}×{s.Value}"))
        + $", no answer×{_noAnswer}; acknowledged {Acknowledged} ({Pending} pending); slowest answer {MaxLatencyMs:F0} ms";

    /// <summary>
    /// Waits (bounded) for the outbox to drain and every acknowledged order of the sale to be in the
    /// record, then checks every invariant for it. Throws with every violation found.
    /// </summary>
    public async Task<SaleCheck> VerifyAsync(Api admin, string saleId, int totalStock, int perUserLimit,
        Func<Task<long>> unrecorded, TimeSpan timeout)
    {
        var expected = _acks.Values.Where(a => a.SaleId == saleId).ToList();
        var clock = Stopwatch.StartNew();
        List<JsonObject> orders;
        long left;
        while (true)
        {
            left = await unrecorded();
            orders = await admin.AllOrdersAsync(saleId);
            var ids = orders.Select(o => o["orderId"]!.GetValue<string>()).ToHashSet();
            if ((left == 0 && expected.All(a => ids.Contains(a.OrderId))) || clock.Elapsed > timeout)
            {
                break;
            }

            await Task.Delay(250);
        }

        var problems = new List<string>(_violations);
        if (left != 0)
        {
            problems.Add($"outbox still holds {left} unrecorded entries after {timeout}");
        }

        var byId = orders.GroupBy(o => o["orderId"]!.GetValue<string>()).ToDictionary(g => g.Key, g => g.ToList());
        problems.AddRange(byId.Where(g => g.Value.Count > 1).Select(g => $"order {g.Key} listed {g.Value.Count} times"));
        foreach (var ack in expected)
        {
            if (!byId.TryGetValue(ack.OrderId, out var rows))
            {
                problems.Add($"acknowledged order {ack.OrderId} ({(ack.Pending ? "202" : "201")}, buyer {ack.UserId}) is not in the record");
                continue;
            }

            var row = rows[0];
            if (row["userId"]!.GetValue<string>() != ack.UserId || row["quantity"]!.GetValue<int>() != ack.Quantity
                || row["status"]!.GetValue<string>() != "confirmed")
            {
                problems.Add($"acknowledged order {ack.OrderId} recorded differently: {row.ToJsonString()}");
            }
        }

        var confirmed = orders.Where(o => o["status"]!.GetValue<string>() == "confirmed").ToList();
        var recordSold = confirmed.Sum(o => o["quantity"]!.GetValue<int>());
        problems.AddRange(confirmed.GroupBy(o => o["userId"]!.GetValue<string>())
            .Where(g => g.Sum(o => o["quantity"]!.GetValue<int>()) > perUserLimit)
            .Select(g => $"buyer {g.Key} holds {g.Sum(o => o["quantity"]!.GetValue<int>())} > limit {perUserLimit}"));
        if (recordSold > totalStock)
        {
            problems.Add($"oversold: {recordSold} units recorded for a stock of {totalStock}");
        }

        var stock = await admin.StockAsync(saleId);
        var sold = stock["sold"]!.GetValue<int>();
        var remaining = stock["remainingStock"]!.GetValue<int>();
        if (sold + remaining != totalStock || stock["totalStock"]!.GetValue<int>() != totalStock)
        {
            problems.Add($"accounting: sold {sold} + remaining {remaining} != total {totalStock}");
        }

        if (left == 0 && sold != recordSold)
        {
            problems.Add($"ledger says {sold} sold, the record holds {recordSold} with an empty outbox");
        }

        if (problems.Count > 0)
        {
            throw new Xunit.Sdk.XunitException($"sale {saleId}: {problems.Count} violation(s)\n" + string.Join("\n", problems.Take(40)));
        }

        return new SaleCheck(expected.Count, expected.Count(a => a.Pending), recordSold, orders.Count - expected.Count, clock.Elapsed);
    }

    private sealed record Ack(string OrderId, string SaleId, string UserId, int Quantity, bool Pending);
}

/// <summary>What a verified sale held: acknowledged orders, of them 202 at the time, units recorded, recorded orders nobody was told of (decided, then 503 or no answer), time to drain.</summary>
public sealed record SaleCheck(int Acknowledged, int AcknowledgedPending, int RecordSold, int RecordedUnacknowledged, TimeSpan Drain)
{
    public override string ToString() =>
        $"{Acknowledged} acknowledged ({AcknowledgedPending} as 202), {RecordSold} units recorded, "
        + $"{RecordedUnacknowledged} recorded without an ack, drained in {Drain.TotalMilliseconds:F0} ms";
}
