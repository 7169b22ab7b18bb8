using FlashSale.Storage.Redis;
using StackExchange.Redis;

namespace FlashSale.Tests.Infrastructure;

/// <summary>Reaches into a test's Redis: what a FLUSHALL or a drifting ledger would do to one sale.</summary>
public static class RedisState
{
    public static async Task<ConnectionMultiplexer> ConnectAsync(TestStorage storage) =>
        await ConnectionMultiplexer.ConnectAsync(storage.RedisConfiguration);

    /// <summary>
    /// Deletes the sale's decision state (as a flush would), leaving the record alone; <paramref name="outboxToo"/>: its
    /// outbox as well, as a flush does (entries a persister has read stay in that persister's hands).
    /// </summary>
    public static async Task LoseAsync(TestStorage storage, Guid saleId, bool outboxToo = false)
    {
        await using var redis = await ConnectAsync(storage);
        var db = redis.GetDatabase();
        await db.KeyDeleteAsync([RedisKeys.Meta(saleId), RedisKeys.Stock(saleId), RedisKeys.Buyers(saleId), RedisKeys.Cancelled(saleId)]);
        if (outboxToo)
        {
            await db.KeyDeleteAsync(RedisKeys.Outbox(saleId));
        }

        // Idempotency keys too: they live under the same tag, on the node that owns the slot.
        foreach (var endpoint in redis.GetEndPoints())
        {
            var server = redis.GetServer(endpoint);
            if (server.IsReplica)
            {
                continue;
            }

            await foreach (var key in server.KeysAsync(pattern: RedisKeys.Tag(saleId).Replace("{", "\\{", StringComparison.Ordinal).Replace("}", "\\}", StringComparison.Ordinal) + ":key:*"))
            {
                await db.KeyDeleteAsync(key);
            }
        }
    }
}
