using System.Net;
using FlashSale.Storage.Redis;
using FlashSale.Tests.Infrastructure;
using Npgsql;

namespace FlashSale.Tests.Distributed;

/// <summary>
/// Redis holds a sale the record does not (a PostgreSQL database restored from before the sale, or one this
/// Redis was never meant to feed): its decided orders cannot be recorded (the insert finds no sale, event 4208), and no retry
/// changes that. They are refused — the waiting purchase answers 503, nothing was bought, the outbox lets them
/// go — while every other sale goes on selling. Counted as an outage, that one sale's entries had every instance
/// refuse every sale's purchases (503) for as long as they stayed, which was for ever.
/// </summary>
public sealed class RecordWithoutSaleTests() : AdminAppTest(new TestApp(kind: StorageKind.Redis))
{
    [Fact]
    public async Task OrdersOfASaleTheRecordLost_AreRefused_AndOtherSalesGoOnSelling()
    {
        // Redis holds the first sale's state; the record is about to lose that sale.
        var (lost, other, buyer) = await TwoSales.OpenAsync(Admin);
        await using (var db = App.Storage.OpenDatabase())
        {
            // As a restore from before the sale would leave it: gone from the record, no trigger told anyone.
            await using var forget = new NpgsqlCommand($"""
                SET session_replication_role = replica;
                DELETE FROM orders WHERE sale_id = '{lost}';
                DELETE FROM sales WHERE id = '{lost}';
                """, db);
            await forget.ExecuteNonQueryAsync();
        }

        using (var refused = await buyer.PurchaseAsync(lost, key: "lost-1"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            Assert.NotNull(refused.Headers.RetryAfter);
        }

        // "Nothing was bought": a retry with the same key is decided afresh (and refused again here), where it
        // used to replay the refused order, wait for a record that would never hold it, and answer 202 pending.
        using (var retried = await buyer.PurchaseAsync(lost, key: "lost-1"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, retried.StatusCode);
        }

        // The record is not down: the other sale sells on, across several persister sweeps and record pings.
        for (var i = 0; i < 8; i++)
        {
            using var response = await buyer.PurchaseAsync(other);
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            await Task.Delay(200);
        }

        await using var redis = await RedisState.ConnectAsync(App.Storage);
        Assert.Equal(0, await redis.GetDatabase().StreamLengthAsync(RedisKeys.Outbox(Guid.Parse(lost))));
        // Kept in the sale's :refused stream, saying why as the operator's restore procedure looks for it (event 4208):
        // not "stale … (epoch )", which the insert's epoch join made of it until 2026-12-07.
        var kept = await redis.GetDatabase().StreamRangeAsync(RedisKeys.Refused(Guid.Parse(lost)));
        Assert.NotEmpty(kept);
        Assert.All(kept, entry => Assert.Equal("the record has no such sale", entry["why"].ToString()));
        Assert.Equal(8, await App.Storage.ScalarAsync($"SELECT count(*) FROM orders WHERE sale_id = '{other}'"));
        Assert.Equal(0, await App.Storage.ScalarAsync($"SELECT count(*) FROM orders WHERE sale_id = '{lost}'"));
    }
}
