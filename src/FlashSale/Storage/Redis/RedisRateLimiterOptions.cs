namespace FlashSale.Storage.Redis;

/// <summary>Where the shared rate-limit counters live: deployments (and test runs) sharing a Redis keep apart by prefix.</summary>
public sealed class RedisRateLimiterOptions
{
    /// <summary>Put in front of every counter key inside its hash tag, e.g. <c>flashsale:</c>. Empty by default.</summary>
    public string KeyPrefix { get; set; } = "";
}
