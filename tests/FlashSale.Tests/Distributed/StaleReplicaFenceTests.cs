using System.Net;
using System.Text.Json.Nodes;
using FlashSale.Storage.Redis;
using FlashSale.Tests.Admin;
using FlashSale.Tests.Infrastructure;
using StackExchange.Redis;

namespace FlashSale.Tests.Distributed;

/// <summary>
/// G1 and G2 across a failover to a lagging replica (migration 9). Redis replicates asynchronously: the replica a
/// failover promotes can hold a sale's stock, buyers' holds and Idempotency-Keys as they were before orders the
/// persister had already recorded, and it sells those units again. The audit's run on a Cluster: 14 confirmed orders
/// for a stock of 10, buyers holding 2 with a limit of 1, and reconciliation "repairing" it on every call. Here the
/// promoted replica is one Redis whose sale state is rewound as a stale replica holds it (the stock set back up, the
/// holds and keys of recorded buyers gone): the record refuses what would pass the stock or a limit, those buyers are
/// answered 503 (nothing bought), and Redis's state of the sale is rebuilt from the record, so it then sells exactly
/// what is left, holds every recorded buyer's units and replays their keys.
/// </summary>
public sealed class StaleReplicaFenceTests() : AdminAppTest(new TestApp(kind: StorageKind.Redis))
{
    [Fact]
    public async Task ARewoundState_SellsNothingTheRecordHolds_AndIsRebuiltFromIt()
    {
        var sale = (await Admin.CreateSaleAsync(stock: 10, perUserLimit: 1)).Id();
        var saleId = Guid.Parse(sale);
        var buyers = await Admin.MintBuyersAsync(12);
        var early = buyers.Take(5).ToList();
        var late = buyers.Skip(5).ToList();
        await using var redis = await RedisState.ConnectAsync(App.Storage);
        var db = redis.GetDatabase();
        var confirmed = new List<string>();

        // Five recorded, each with its key.
        var firstOrders = new List<string>();
        for (var i = 0; i < early.Count; i++)
        {
            using var bought = await Buyer(early[i]).PurchaseAsync(sale, key: $"first-{i}");
            await Api.EnsureAsync(bought, HttpStatusCode.Created);
            firstOrders.Add(await OrderIdAsync(bought));
        }

        confirmed.AddRange(firstOrders);

        // The promoted replica had only the first order: 9 left, buyers 1-4 hold nothing and their keys are unknown.
        await RewindAsync(db, saleId, stock: 9, early.Skip(1), key: i => $"first-{i + 1}");

        // Buyer 1 again, same key: the stale state decides a new order, the record refuses it (the buyer's limit).
        await Api.ExpectProblemAsync(Buyer(early[1]).PurchaseAsync(sale, key: "first-1"), HttpStatusCode.ServiceUnavailable, "unavailable");
        Assert.Equal(5, await ConfirmedAsync(sale));
        var overLimit = Assert.Single(await db.StreamRangeAsync(RedisKeys.Refused(saleId)));
        Assert.StartsWith("over the per-user limit", overLimit["why"].ToString(), StringComparison.Ordinal);
        Assert.False(await db.KeyExistsAsync(RedisKeys.Meta(saleId)), "the state that disagreed with the record was kept");

        // Rebuilt from the record: the key replays the buyer's recorded order (G5).
        using (var replay = await Buyer(early[1]).PurchaseAsync(sale, key: "first-1"))
        {
            await Api.EnsureAsync(replay, HttpStatusCode.Created);
            Assert.Equal(firstOrders[1], await OrderIdAsync(replay));
        }

        Assert.Equal(5, (await Admin.StockAsync(sale)).Int("remainingStock"));

        // Stale again: 9 left. Five more fit the record; the sixth would be the eleventh unit.
        await RewindAsync(db, saleId, stock: 9, early.Skip(2), key: i => $"first-{i + 2}");
        foreach (var buyer in late.Take(5))
        {
            using var bought = await Buyer(buyer).PurchaseAsync(sale);
            await Api.EnsureAsync(bought, HttpStatusCode.Created);
            confirmed.Add(await OrderIdAsync(bought));
        }

        await Api.ExpectProblemAsync(Buyer(late[5]).PurchaseAsync(sale), HttpStatusCode.ServiceUnavailable, "unavailable");
        var refused = await db.StreamRangeAsync(RedisKeys.Refused(saleId));
        Assert.Equal(2, refused.Length);
        Assert.StartsWith("over the stock", refused[1]["why"].ToString(), StringComparison.Ordinal);
        await Api.ExpectProblemAsync(Buyer(late[6]).PurchaseAsync(sale), HttpStatusCode.Conflict, "sold_out");
        await Api.ExpectProblemAsync(Buyer(early[2]).PurchaseAsync(sale), HttpStatusCode.Conflict, "sold_out");
        await AssertRecordHoldsAsync(sale, confirmed);

        // Reconciliation finds nothing to repair: the record and the rebuilt ledger agree, call after call.
        for (var call = 0; call < 2; call++)
        {
            var line = await ReconcileAsync(sale);
            Assert.Equal(10, line.Int("recordSold"));
            Assert.Equal(10, line.Int("ledgerSold"));
            Assert.Equal(0, line.Int("drift"));
            Assert.False(line["repaired"]!.GetValue<bool>());
        }

        // One unit back: the rebuilt holds keep buyer 2 at the limit, and exactly one more sells.
        using (var cancelled = await Admin.PostEmptyAsync($"/api/v1/admin/orders/{firstOrders[0]}/cancel"))
        {
            await Api.EnsureAsync(cancelled, HttpStatusCode.OK);
        }

        confirmed.Remove(firstOrders[0]);
        await Api.ExpectProblemAsync(Buyer(early[2]).PurchaseAsync(sale), HttpStatusCode.Conflict, "limit_reached");
        using (var last = await Buyer(late[5]).PurchaseAsync(sale))
        {
            await Api.EnsureAsync(last, HttpStatusCode.Created);
            confirmed.Add(await OrderIdAsync(last));
        }

        await Api.ExpectProblemAsync(Buyer(late[6]).PurchaseAsync(sale), HttpStatusCode.Conflict, "sold_out");
        await AssertRecordHoldsAsync(sale, confirmed);
        Assert.Equal(0, (await ReconcileAsync(sale)).Int("drift"));
    }

    private Api Buyer((string UserId, string Token) buyer) => Admin.WithToken(buyer.Token);

    /// <summary>The sale's state as a replica that missed the latest writes holds it: more stock, fewer holds, fewer keys.</summary>
    private static async Task RewindAsync(IDatabase db, Guid saleId, int stock, IEnumerable<(string UserId, string Token)> forgotten, Func<int, string> key)
    {
        Assert.True(await db.KeyExistsAsync(RedisKeys.Meta(saleId)));
        await db.StringSetAsync(RedisKeys.Stock(saleId), stock);
        var i = 0;
        foreach (var (userId, _) in forgotten)
        {
            await db.HashDeleteAsync(RedisKeys.Buyers(saleId), userId);
            Assert.True(await db.KeyDeleteAsync(RedisKeys.Idempotency(saleId, userId, key(i++))));
        }
    }

    /// <summary>G1, G2, G3: the record's confirmed orders are exactly the ones answered 201, within the stock and the limit.</summary>
    private async Task AssertRecordHoldsAsync(string sale, List<string> confirmed)
    {
        Assert.Equal(confirmed.Count, await ConfirmedAsync(sale));
        Assert.True(confirmed.Count <= 10);
        Assert.Equal(0, await App.Storage.ScalarAsync(
            $"SELECT count(*) FROM (SELECT user_id FROM orders WHERE sale_id = '{sale}' AND status = 0 GROUP BY user_id HAVING SUM(quantity) > 1) x"));
        var recorded = (await Admin.AllOrdersAsync(sale)).Where(o => o["status"]!.GetValue<string>() == "confirmed")
            .Select(o => o["orderId"]!.GetValue<string>()).Order().ToList();
        Assert.Equal(confirmed.Order().ToList(), recorded);
        Assert.Equal(confirmed.Count, await App.Storage.ScalarAsync($"SELECT confirmed FROM sale_units WHERE sale_id = '{sale}'"));
    }

    private Task<long> ConfirmedAsync(string sale) =>
        App.Storage.ScalarAsync($"SELECT COALESCE(SUM(quantity), 0) FROM orders WHERE sale_id = '{sale}' AND status = 0");

    private async Task<JsonObject> ReconcileAsync(string sale)
    {
        using var response = await Admin.PostEmptyAsync("/api/v1/admin/reconcile");
        await Api.EnsureAsync(response, HttpStatusCode.OK);
        var report = await response.ReadJsonAsync();
        return report["items"]!.AsArray().Single(i => i!["saleId"]!.GetValue<string>() == sale)!.AsObject();
    }

    private static async Task<string> OrderIdAsync(HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync())!["orderId"]!.GetValue<string>();
}
