using System.Net;
using FlashSale.Storage.Redis;
using FlashSale.Tests.Infrastructure;

namespace FlashSale.Tests.Distributed;

/// <summary>
/// An outbox entry the record can never take — one it cannot read, or one with a value its constraints refuse
/// (only a bug writes either) — is refused and kept aside in the sale's <c>:refused</c> stream with the reason
/// (its order, when its id can be read, announced as refused for a purchase waiting for it), while the orders
/// decided beside it are recorded and every sale goes on selling. Before: the unreadable entry
/// failed its whole pass, again and again, so its batch stayed in the outbox for ever (and the sale's
/// reconciliation with it); the refused value counted as PostgreSQL being down, so every instance refused every
/// sale's purchases, again after each ping that found PostgreSQL up.
/// </summary>
public sealed class UnrecordableOutboxEntryTests() : AdminAppTest(new TestApp(kind: StorageKind.Redis))
{
    [Fact]
    public async Task EntriesTheRecordCannotTake_AreKeptAside_AndEverySaleGoesOnSelling()
    {
        var (poisoned, other, buyer) = await TwoSales.OpenAsync(Admin);
        await using var redis = await RedisState.ConnectAsync(App.Storage);
        var db = redis.GetDatabase();
        var saleId = Guid.Parse(poisoned);
        var badOrder = Guid.NewGuid();
        var unreadableOrder = Guid.NewGuid();
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        // Refusals are announced to every instance, for purchases waiting there.
        var notices = new List<string>();
        await redis.GetSubscriber().SubscribeAsync(RedisKeys.Committed(App.Storage.Database), (_, message) =>
        {
            lock (notices)
            {
                notices.Add(message.ToString());
            }
        });
        // The form purchase.lua writes (OutboxEntry), with a quantity of 0, which the orders' CHECK refuses ...
        await db.StreamAddAsync(RedisKeys.Outbox(saleId), "m", $"{badOrder:D}|0|{now}|99|19.99|USD|0|7|7|someonesomeone");
        // ... and an entry that cannot be read beyond its order id.
        var unreadable = $"{unreadableOrder:D}|not|an|entry";
        await db.StreamAddAsync(RedisKeys.Outbox(saleId), "m", unreadable);

        // Each purchase wakes the persister, which reads the bad entries with the next good one.
        for (var i = 0; i < 8; i++)
        {
            using var here = await buyer.PurchaseAsync(poisoned);
            Assert.Equal(HttpStatusCode.Created, here.StatusCode);
            using var there = await buyer.PurchaseAsync(other);
            Assert.Equal(HttpStatusCode.Created, there.StatusCode);
            await Task.Delay(200);
        }

        // Set aside and announced after the batch that read them: waited for, not assumed done after the purchases.
        bool NoticesArrived()
        {
            lock (notices)
            {
                return notices.Any(n => n.Split(',').Contains("!" + unreadableOrder.ToString("N")))
                    && notices.Any(n => n.Split(',').Contains("!" + badOrder.ToString("N")));
            }
        }

        var until = DateTime.UtcNow.AddSeconds(15);
        while ((await db.StreamLengthAsync(RedisKeys.Outbox(saleId)) > 0 || await db.StreamLengthAsync(RedisKeys.Refused(saleId)) < 2
                   || !NoticesArrived()) && DateTime.UtcNow < until)
        {
            await Task.Delay(50);
        }

        Assert.Equal(0, await db.StreamLengthAsync(RedisKeys.Outbox(saleId)));
        var kept = await db.StreamRangeAsync(RedisKeys.Refused(saleId));
        Assert.Equal(2, kept.Length);
        Assert.Contains(kept, e => e["why"].ToString().StartsWith("23514:", StringComparison.Ordinal) && e["m"].ToString().StartsWith(badOrder.ToString("D"), StringComparison.Ordinal));
        Assert.Contains(kept, e => e["why"].ToString().StartsWith("malformed:", StringComparison.Ordinal) && e["m"] == unreadable);
        lock (notices)
        {
            Assert.Contains(notices, n => n.Split(',').Contains("!" + unreadableOrder.ToString("N")));
            Assert.Contains(notices, n => n.Split(',').Contains("!" + badOrder.ToString("N")));
        }
        Assert.Equal(9, await App.Storage.ScalarAsync($"SELECT count(*) FROM orders WHERE sale_id = '{poisoned}'"));
        Assert.Equal(8, await App.Storage.ScalarAsync($"SELECT count(*) FROM orders WHERE sale_id = '{other}'"));
        Assert.Equal(0, await App.Storage.ScalarAsync($"SELECT count(*) FROM orders WHERE id = '{badOrder}'"));
    }
}
