using StackExchange.Redis;

namespace FlashSale.Storage.Redis;

/// <summary>
/// Every Redis key in one place. A sale's keys share the hash tag <c>{sale:&lt;id&gt;}</c>, so one
/// script can touch them all on a Redis Cluster (one slot). Sale ids are unique everywhere; the
/// few deployment-wide keys carry the namespace instead, so deployments can share a Redis.
/// </summary>
public static class RedisKeys
{
    public static string Tag(Guid saleId) => $"{{sale:{saleId:D}}}";

    public static RedisKey Meta(Guid saleId) => Tag(saleId) + ":meta";

    public static RedisKey Stock(Guid saleId) => Tag(saleId) + ":stock";

    public static RedisKey Buyers(Guid saleId) => Tag(saleId) + ":buyers";

    public static RedisKey Cancelled(Guid saleId) => Tag(saleId) + ":cancelled";

    public static RedisKey Outbox(Guid saleId) => Tag(saleId) + ":outbox";

    /// <summary>Decided orders the record refused (or could not read), as the outbox held them plus why: kept for the operator.</summary>
    public static RedisKey Refused(Guid saleId) => Tag(saleId) + ":refused";

    /// <summary>Cancels between their record update and their ledger step: order id → expiry (unix ms).</summary>
    public static RedisKey Cancelling(Guid saleId) => Tag(saleId) + ":cancelling";

    /// <summary>
    /// The end (unix ms) the latest admin change gave the sale, kept a while (sale.lua): a rebuild from the record ends
    /// the sale no later (rebuild.lua), since the change reached the ledger before the record.
    /// </summary>
    public static RedisKey EndCap(Guid saleId) => Tag(saleId) + ":endcap";

    public static RedisKey RebuildLock(Guid saleId) => Tag(saleId) + ":rebuild";

    /// <summary>What one buyer's Idempotency-Key stands for in one sale.</summary>
    public static RedisKey Idempotency(Guid saleId, string userId, string key) => $"{Tag(saleId)}:key:{userId}:{key}";

    /// <summary>Passed in the key slot of an attempt without a key: same slot, never read.</summary>
    public static RedisKey NoIdempotency(Guid saleId) => Tag(saleId) + ":key:";

    /// <summary>The set of sale ids with ledger state (not hash-tagged: the persister's list of outboxes).</summary>
    public static RedisKey Registry(string ns) => $"{ns}:sales";

    /// <summary>
    /// The sale ids of the registry's members. A member that is not one (a hand-written or foreign value) is passed
    /// over: reading the registry is every sweep's first step, and one bad member stopped every instance's persister.
    /// </summary>
    public static IEnumerable<Guid> SaleIds(IEnumerable<RedisValue> members)
    {
        foreach (var member in members)
        {
            if (Guid.TryParseExact(member.ToString(), "D", out var id))
            {
                yield return id;
            }
        }
    }

    /// <summary>Pub/sub channel on which persisters announce committed order ids to every instance.</summary>
    public static RedisChannel Committed(string ns) => RedisChannel.Literal($"{ns}:committed");

    /// <summary>Pub/sub channel on which instances announce sales whose stock changed (the live feed).</summary>
    public static RedisChannel StockChanged(string ns) => RedisChannel.Literal($"{ns}:stock");

    public const string PersisterGroup = "persister";
}
