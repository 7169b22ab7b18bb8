using System.Net;
using FlashSale.Storage.Redis;
using FlashSale.Tests.Admin;
using FlashSale.Tests.Infrastructure;
using Npgsql;
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
        var sale = (await Admin.CreateSaleAsync(stock: 5, perUserLimit: 1)).Id();
        var saleId = Guid.Parse(sale);
        var buyers = await Admin.MintBuyersAsync(10);
        await using var redis = await RedisState.ConnectAsync(App.Storage);
        var db = redis.GetDatabase();

        List<HttpResponseMessage> first, second;
        await using (var holding = App.Storage.OpenDatabase())
        {
            // Inserts into orders wait; reads (the rebuild's) do not.
            await using var tx = await holding.BeginTransactionAsync();
            await using (var lockOrders = new NpgsqlCommand("LOCK TABLE orders IN SHARE ROW EXCLUSIVE MODE", holding, tx))
            {
                await lockOrders.ExecuteNonQueryAsync();
            }

            // Five units decided and read by the persister, whose insert now waits: the whole stock.
            var firstWave = buyers.Take(5).Select(b => Admin.WithToken(b.Token).PurchaseAsync(sale)).ToList();
            await UntilAsync(async () => await PendingAsync(db, saleId) == 5);

            // The state goes; the next purchase rebuilds it from the record, which holds no order yet: five units again.
            await RedisState.LoseAsync(App.Storage, saleId, outboxLostToo);
            var secondWave = buyers.Skip(5).Select(b => Admin.WithToken(b.Token).PurchaseAsync(sale)).ToList();
            await UntilAsync(async () => await db.StreamLengthAsync(RedisKeys.Outbox(saleId)) == (outboxLostToo ? 5 : 10));

            await tx.RollbackAsync();
            first = [.. await Task.WhenAll(firstWave)];
            second = [.. await Task.WhenAll(secondWave)];
        }

        // The rebuilt stock's five are the orders; the lost state's five are refused, and their buyers told nothing was
        // bought. Unfenced, both were recorded: ten orders of a stock of five.
        Assert.All(second, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
        Assert.All(first, r => Assert.Equal(HttpStatusCode.ServiceUnavailable, r.StatusCode));
        Assert.Equal(5, (await Admin.AllOrdersAsync(sale)).Count);
        Assert.Equal(5, await App.Storage.ScalarAsync($"SELECT COALESCE(SUM(quantity), 0) FROM orders WHERE sale_id = '{sale}' AND status = 0"));
        Assert.Equal(0, (await Admin.StockAsync(sale)).Int("remainingStock"));
        var refused = await db.StreamRangeAsync(RedisKeys.Refused(saleId));
        Assert.Equal(5, refused.Length);
        Assert.All(refused, e => Assert.StartsWith("stale:", e.Values.Single(v => v.Name == "why").Value.ToString(), StringComparison.Ordinal));
        foreach (var response in first.Concat(second))
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

    private static async Task UntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the scene did not reach its next step within 10 s");
            await Task.Delay(20);
        }
    }
}
