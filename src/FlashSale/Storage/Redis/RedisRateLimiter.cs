using System.Security.Cryptography;
using System.Text;
using FlashSale.RateLimiting;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace FlashSale.Storage.Redis;

/// <summary>
/// Sliding-window counters shared by every instance: one Lua script call checks a request's rules, one key each
/// (<see cref="Key(string, string, string)"/>), Redis's clock, keys expiring two windows after their last counted request.
/// A Redis failure propagates; the middleware answers 503 (fails closed).
/// </summary>
public sealed class RedisRateLimiter(IConnectionMultiplexer redis, IOptions<RedisRateLimiterOptions>? options = null) : IRateLimiter
{
    private static readonly RedisScript Script = new("ratelimit");
    private readonly string _prefix = options?.Value.KeyPrefix ?? "";
    private bool? _cluster;

    public async ValueTask<RateLimitDecision> AcquireAsync(RateLimitRule rule, string subject, CancellationToken ct) =>
        (await AcquireAllAsync([new RateLimitCheck(rule, subject)], ct)).Decision;

    /// <summary>
    /// One script call for all the checks on a single Redis (a purchase falls under two rules: one
    /// round trip instead of two); one call per check on a Cluster, where each key has its own slot.
    /// </summary>
    public async ValueTask<(int Refused, RateLimitDecision Decision)> AcquireAllAsync(
        IReadOnlyList<RateLimitCheck> checks, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        if (checks.Count <= 1 || !IsCluster)
        {
            try
            {
                return await RunAsync(checks, 0, checks.Count);
            }
            catch (Exception ex) when (checks.Count > 1 && ex is RedisCommandException or RedisServerException
                && ex.Message.Contains("slot", StringComparison.OrdinalIgnoreCase))
            {
                // Keys in different slots (a Cluster the check above missed): refused before anything ran; one rule per call from now on.
                _cluster = true;
            }
        }

        for (var i = 0; i < checks.Count; i++)
        {
            var (refused, decision) = await RunAsync(checks, i, 1);
            if (refused >= 0)
            {
                return (refused, decision);
            }
        }

        return (-1, RateLimitDecision.Allow);
    }

    private bool IsCluster => _cluster ??= redis.GetEndPoints().Any(e => redis.GetServer(e).ServerType == ServerType.Cluster);

    private async Task<(int Refused, RateLimitDecision Decision)> RunAsync(IReadOnlyList<RateLimitCheck> checks, int first, int count)
    {
        var keys = new RedisKey[count];
        var args = new RedisValue[2 * count];
        for (var i = 0; i < count; i++)
        {
            var check = checks[first + i];
            keys[i] = Key(_prefix, check.Rule.Name, check.Subject);
            args[2 * i] = check.Rule.PermitLimit;
            args[2 * i + 1] = (long)check.Rule.Window.TotalMilliseconds;
        }

        var result = (RedisResult[])(await Script.EvaluateAsync(redis.GetDatabase(), keys, args))!;
        var refused = (int)result[0];
        return refused == 0
            ? (-1, RateLimitDecision.Allow)
            : (first + refused - 1, RateLimitDecision.Refuse(TimeSpan.FromMilliseconds((long)result[1])));
    }

    /// <summary>
    /// <c>{rl:&lt;rule&gt;:&lt;subject&gt;}</c>: the whole key is its hash tag (one key per script, any cluster slot).
    /// A subject that is long or holds braces is hashed, so a user id chosen by an external provider cannot shape keys.
    /// </summary>
    public static RedisKey Key(string rule, string subject) => Key("", rule, subject);

    /// <summary>As <see cref="Key(string, string)"/>, inside a deployment's prefix: <c>{&lt;prefix&gt;rl:&lt;rule&gt;:&lt;subject&gt;}</c>.</summary>
    public static RedisKey Key(string prefix, string rule, string subject)
    {
        if (subject.Length > 64 || subject.AsSpan().IndexOfAny('{', '}') >= 0)
        {
            subject = "h:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(subject)));
        }

        return $"{{{prefix}rl:{rule}:{subject}}}";
    }
}
