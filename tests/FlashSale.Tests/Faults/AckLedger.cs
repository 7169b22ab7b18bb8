using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FlashSale.Tests.Infrastructure;

namespace FlashSale.Tests.Faults;

/// <summary>
/// The client side's record of a fault drill: every purchase a client saw acknowledged, and
/// every answer's status. The invariants are checked against the server's record afterwards.
/// </summary>
internal sealed class AckLedger
{
    public ConcurrentDictionary<string, string> Acknowledged { get; } = new();

    public ConcurrentBag<HttpStatusCode> Statuses { get; } = [];

    public async Task AttemptAsync(Api buyer, string userId, string saleId)
    {
        try
        {
            using var response = await buyer.PurchaseAsync(saleId, 1, Guid.NewGuid().ToString("N"));
            Statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.Created)
            {
                var order = await response.Content.ReadFromJsonAsync<JsonObject>();
                Assert.True(Acknowledged.TryAdd(order!["orderId"]!.GetValue<string>(), userId), "an order id was acknowledged twice");
            }
        }
        catch (HttpRequestException)
        {
            // The server died under this request: no answer, no promise.
        }
        catch (TaskCanceledException)
        {
        }
    }

    /// <summary>G1–G4 against the restarted server's record.</summary>
    public async Task AssertHeldAsync(Api admin, string saleId, int totalStock, int perUserLimit)
    {
        var orders = await admin.AllOrdersAsync(saleId);
        var stored = orders.GroupBy(o => o["orderId"]!.GetValue<string>()).ToDictionary(g => g.Key, g => g.ToList());
        Assert.All(stored, o => Assert.Single(o.Value));
        Assert.All(Acknowledged, ack =>
        {
            Assert.True(stored.TryGetValue(ack.Key, out var order), $"acknowledged order {ack.Key} was lost");
            Assert.Equal(ack.Value, order[0]["userId"]!.GetValue<string>());
        });
        Assert.All(orders.GroupBy(o => o["userId"]!.GetValue<string>()),
            g => Assert.True(g.Sum(o => o["quantity"]!.GetValue<int>()) <= perUserLimit, $"user {g.Key} is above the limit"));
        var stock = await admin.StockAsync(saleId);
        var sold = stock["sold"]!.GetValue<int>();
        Assert.Equal(orders.Sum(o => o["quantity"]!.GetValue<int>()), sold);
        Assert.Equal(totalStock, sold + stock["remainingStock"]!.GetValue<int>());
        Assert.True(sold <= totalStock);
        Assert.DoesNotContain(Statuses, s => (int)s >= 500 && s != HttpStatusCode.ServiceUnavailable);
    }
}
