using System.Net;
using FlashSale.Storage.Redis;
using FlashSale.Tests.Admin;
using FlashSale.Tests.Infrastructure;
using StackExchange.Redis;

namespace FlashSale.Tests.Distributed;

/// <summary>
/// G1 across a lost Redis state (migration 6, the sale's ledger epoch): orders a persister read from the outbox before
/// the sale's state was lost, and could only write after the state had been rebuilt from the record, must not be
/// recorded beside the orders the rebuilt stock sells. PostgreSQL really holds the persister's insert back (a lock on
/// the orders table, which the rebuild's reads pass), and the state really goes (its keys deleted, as a flush does).
/// </summary>
public sealed class LostStateFenceTests() : AdminAppTest(new TestApp(kind: StorageKind.Redis, settings: new Dictionary<string, string?>
{
    // The first buyers wait for their orders through the whole scene, so they hear how it ended, not 202 pending.
    ["Distributed:CommitWait"] = "00:00:15",
}))
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ABatchInFlightWhileTheStateIsLostAndRebuilt_IsRefused_AndNothingIsSoldTwice(bool outboxLostToo)
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

            // The whole stock in one order (one outbox entry, so one batch), read by the persister, whose insert now waits.
            var firstBuy = Admin.WithToken(buyers[0].Token).PurchaseAsync(sale, quantity: 5);
            await SceneSteps.UntilAsync(async () => await PendingAsync(db, saleId) == 1, 10);

            // The state goes; the next purchase rebuilds it from the record, which holds no order yet: five units again.
            await RedisState.LoseAsync(App.Storage, saleId, outboxLostToo);
            var secondWave = buyers.Skip(1).Select(b => Admin.WithToken(b.Token).PurchaseAsync(sale)).ToList();
            await SceneSteps.UntilAsync(async () => await db.StreamLengthAsync(RedisKeys.Outbox(saleId)) == (outboxLostToo ? 5 : 6), 10);

            await held.ReleaseAsync();
            first = await firstBuy;
            second = [.. await Task.WhenAll(secondWave)];
        }

        // The rebuilt stock's five are the orders; the lost state's order of five is refused, and its buyer told nothing
        // was bought. Unfenced, both were recorded: ten units of a stock of five.
        Assert.All(second, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, first.StatusCode);
        Assert.Equal(5, (await Admin.AllOrdersAsync(sale)).Count);
        Assert.Equal(5, await App.Storage.ScalarAsync($"SELECT COALESCE(SUM(quantity), 0) FROM orders WHERE sale_id = '{sale}' AND status = 0"));
        Assert.Equal(0, (await Admin.StockAsync(sale)).Int("remainingStock"));
        var refused = Assert.Single(await db.StreamRangeAsync(RedisKeys.Refused(saleId)));
        Assert.StartsWith("stale:", refused.Values.Single(v => v.Name == "why").Value.ToString(), StringComparison.Ordinal);
        foreach (var response in second.Append(first))
        {
            response.Dispose();
        }
    }

    /// <summary>Entries the persister has read and not yet acknowledged (0 before its group exists).</summary>
    private static async Task<long> PendingAsync(IDatabase db, Guid saleId)
    {
        try
        {
            return (await db.StreamPendingAsync(RedisKeys.Outbox(saleId), RedisKeys.PersisterGroup)).PendingMessageCount;
        }
        catch (RedisServerException ex) when (ex.Message.StartsWith("NOGROUP", StringComparison.Ordinal))
        {
            return 0;
        }
    }
}
