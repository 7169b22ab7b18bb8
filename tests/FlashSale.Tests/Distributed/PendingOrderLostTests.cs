using System.Net;
using FlashSale.Storage.Redis;
using FlashSale.Tests.Admin;
using FlashSale.Tests.Infrastructure;

namespace FlashSale.Tests.Distributed;

/// <summary>
/// G3 for a 202 pending when Redis loses the order before the persister read it (a restart without its AOF, a flush):
/// the purchase waiting for its commit cannot tell a lost entry from a slow record, and until 2026-12-06 it answered
/// 202 once <c>CommitWait</c> passed, for an order that never appeared. Now it first checks that its outbox entry (the id
/// <c>purchase.lua</c> returns) is still there (<c>PendingReplication</c>); gone, the answer is 503 with the outcome
/// unknown. One Redis, PostgreSQL behind a proxy that is stalled: buyer 0's order is read by the persister, which then
/// waits on the stalled insert; buyer 1's is decided after it and stays in the outbox, unread; the sale's state and
/// outbox are lost; PostgreSQL comes back. Buyer 0's order, in the persister's hands, is recorded; buyer 1's never is.
/// </summary>
public sealed class PendingOrderLostTests() : RecordBehindProxyTest(new Dictionary<string, string?>
    {
        ["RateLimiting:Enabled"] = "false",
        ["Distributed:CommitWait"] = "00:00:01",
    })
{
    [Fact]
    public async Task AnOrderRedisLostBeforeItWasRecorded_IsNeverAnswered202()
    {
        var admin = await Api.AsAdminAsync(Record.App.CreateClient());
        var sale = (await admin.CreateSaleAsync(stock: 10, perUserLimit: 1)).Id();
        var saleId = Guid.Parse(sale);
        var buyers = await admin.MintBuyersAsync(2);
        await using var redis = await RedisState.ConnectAsync(Record.Storage);
        var db = redis.GetDatabase();

        Record.Proxy.Stall();
        var first = admin.WithToken(buyers[0].Token).PurchaseAsync(sale, key: "k-0");
        // Read by the persister (delivered to it, not yet acknowledged), whose insert now waits on the stall.
        await UntilAsync(async () => await db.KeyExistsAsync(RedisKeys.Outbox(saleId))
            && (await db.StreamGroupInfoAsync(RedisKeys.Outbox(saleId))).Any(g => g.Name == RedisKeys.PersisterGroup && g.PendingMessageCount == 1));
        var second = admin.WithToken(buyers[1].Token).PurchaseAsync(sale, key: "k-1");
        await UntilAsync(async () => await db.StreamLengthAsync(RedisKeys.Outbox(saleId)) == 2);

        await RedisState.LoseAsync(Record.Storage, saleId, outboxToo: true);

        foreach (var (answer, buyer) in new[] { (second, 1), (first, 0) })
        {
            using var response = await answer;
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable, $"buyer {buyer}'s order, gone from Redis, was answered {(int)response.StatusCode}: {body}");
            Assert.Contains("\"outcomeUnknown\":true", body, StringComparison.Ordinal);
        }

        // PostgreSQL back: the order the persister held is recorded, the other never is, and nobody was told it would be.
        Record.Proxy.Resume();
        await UntilAsync(async () => await Record.Storage.ScalarAsync($"SELECT count(*) FROM orders WHERE sale_id = '{sale}'") == 1);
        await Task.Delay(1000);
        Assert.Equal(1, await Record.Storage.ScalarAsync(
            $"SELECT count(*) FROM orders WHERE sale_id = '{sale}' AND user_id = '{buyers[0].UserId}'"));
        Assert.Equal(0, await Record.Storage.ScalarAsync(
            $"SELECT count(*) FROM orders WHERE sale_id = '{sale}' AND user_id = '{buyers[1].UserId}'"));
    }

    private static async Task UntilAsync(Func<Task<bool>> condition)
    {
        var until = DateTime.UtcNow.AddSeconds(20);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < until, "the condition did not hold within 20 s");
            await Task.Delay(20);
        }
    }
}
