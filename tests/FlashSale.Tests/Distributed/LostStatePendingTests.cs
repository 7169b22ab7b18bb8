using System.Net;
using System.Text.Json.Nodes;
using FlashSale.Storage.Redis;
using FlashSale.Tests.Admin;
using FlashSale.Tests.Infrastructure;

namespace FlashSale.Tests.Distributed;

/// <summary>
/// G3 across a lost Redis state: a purchase still waiting for its order to be recorded when its sale's state is lost and
/// rebuilt (its outbox entry left behind) must not be answered 202 pending, since the ledger epoch's fence will refuse
/// that entry. Until 2026-12-07 only the entry's presence was checked: 202 for an order that never came
/// (LostStateFenceTests met it under load, once its buyers' wait ran out before the scene ended).
/// </summary>
public sealed class LostStatePendingTests() : AdminAppTest(new TestApp(kind: StorageKind.Redis, settings: new Dictionary<string, string?>
{
    // The first buyer's wait runs out while the persister's insert is held: it is answered pending or not, then.
    ["Distributed:CommitWait"] = "00:00:01",
    ["Distributed:PendingReplicas"] = "0",
}))
{
    [Fact]
    public async Task APurchaseWaitingWhileItsStateIsRebuilt_IsNotAnswered202_ForAnOrderTheFenceRefuses()
    {
        var sale = (await Admin.CreateSaleAsync(stock: 5, perUserLimit: 5)).Id();
        var saleId = Guid.Parse(sale);
        var buyers = await Admin.MintBuyersAsync(6);
        await using var redis = await RedisState.ConnectAsync(App.Storage);
        var db = redis.GetDatabase();

        HttpResponseMessage first;
        List<HttpResponseMessage> second;
        await using (var held = await HeldOrderInserts.BeginAsync(App.Storage))
        {

            var firstBuy = Admin.WithToken(buyers[0].Token).PurchaseAsync(sale, quantity: 5);
            await SceneSteps.UntilAsync(async () => await db.StreamLengthAsync(RedisKeys.Outbox(saleId)) == 1, 20);

            // The state goes, its outbox stays; the next purchases rebuild it from the record under a new epoch.
            await RedisState.LoseAsync(App.Storage, saleId, outboxToo: false);
            second = [.. await Task.WhenAll(buyers.Skip(1).Select(b => Admin.WithToken(b.Token).PurchaseAsync(sale)))];

            // Answered while its insert is still held: its entry is in the outbox, but of the epoch before.
            first = await firstBuy;
            await held.ReleaseAsync();
        }

        Assert.Equal(HttpStatusCode.ServiceUnavailable, first.StatusCode);
        Assert.True(JsonNode.Parse(await first.Content.ReadAsStringAsync())!["outcomeUnknown"]!.GetValue<bool>());
        Assert.All(second, r => Assert.True((int)r.StatusCode is 201 or 202, r.StatusCode.ToString()));
        await SceneSteps.UntilAsync(async () => (await Admin.AllOrdersAsync(sale)).Count == 5, 20);
        await SceneSteps.UntilAsync(async () => (await db.StreamRangeAsync(RedisKeys.Refused(saleId))).Length == 1, 20);
        Assert.Equal(5, await App.Storage.ScalarAsync($"SELECT COALESCE(SUM(quantity), 0) FROM orders WHERE sale_id = '{sale}' AND status = 0"));
        foreach (var response in second.Append(first))
        {
            response.Dispose();
        }
    }

    /// <summary>
    /// A state built before the epoch existed (migration 6) has none, and its entries carry 0, which the record takes:
    /// such a purchase is pending as any, not refused as if its state were lost (a review of the check, 2026-12-07).
    /// </summary>
    [Fact]
    public async Task AStateWithoutAnEpoch_IsTakenAsEpochZero_AndItsPurchaseIsPending()
    {
        var sale = (await Admin.CreateSaleAsync(stock: 5, perUserLimit: 5)).Id();
        var saleId = Guid.Parse(sale);
        var buyer = (await Admin.MintBuyersAsync(1))[0];
        await using var redis = await RedisState.ConnectAsync(App.Storage);
        var db = redis.GetDatabase();
        // As an older version left it: no epoch field, so purchase.lua writes 0 into the entry, and a record whose sale
        // was never rebuilt, at epoch 0 as well.
        await db.HashDeleteAsync(RedisKeys.Meta(saleId), "epoch");
        Assert.Equal(1, await App.Storage.ScalarAsync(
            $"WITH u AS (UPDATE sales SET ledger_epoch = 0 WHERE id = '{sale}' RETURNING 1) SELECT count(*) FROM u"));

        HttpResponseMessage first;
        await using (var held = await HeldOrderInserts.BeginAsync(App.Storage))
        {
            first = await Admin.WithToken(buyer.Token).PurchaseAsync(sale, quantity: 2);
            await held.ReleaseAsync();
        }

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        await SceneSteps.UntilAsync(async () => (await Admin.AllOrdersAsync(sale)).Count == 1, 20);
        first.Dispose();
    }
}
