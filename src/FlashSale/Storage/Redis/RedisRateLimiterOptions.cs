using System.ComponentModel.DataAnnotations;

namespace FlashSale.Storage.Redis;

/// <summary>
/// Where the shared rate-limit counters live (deployments and test runs sharing a Redis keep apart by
/// prefix) and how much of a subject's budget an instance may lease to answer without a round trip
/// (<c>RateLimiting:Leases</c> in configuration; docs/security.md, "Rate limits across instances").
/// </summary>
public sealed class RedisRateLimiterOptions
{
    public const string LeasesSection = "RateLimiting:Leases";

    /// <summary>Put in front of every counter key inside its hash tag, e.g. <c>flashsale:</c>. Empty by default.</summary>
    public string KeyPrefix { get; set; } = "";

    /// <summary>Most permits one instance holds for one subject and rule; 1 turns leasing off (a round trip per request).</summary>
    [Range(1, 100_000)]
    public int MaxPermits { get; set; } = 1000;

    /// <summary>Most of a rule's limit one instance may hold for one subject (0.1: a tenth), so leases stay small where limits are.</summary>
    [Range(0.0, 1.0)]
    public double MaxShare { get; set; } = 0.1;

    /// <summary>How long leased permits may be spent before they are given back; never more than a tenth of the rule's window.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")]
    public TimeSpan Lifetime { get; set; } = TimeSpan.FromSeconds(1);
}
