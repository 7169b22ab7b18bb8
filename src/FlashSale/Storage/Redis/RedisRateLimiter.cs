using System.Security.Cryptography;
using System.Text;
using FlashSale.RateLimiting;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace FlashSale.Storage.Redis;

/// <summary>
/// Sliding-window counters shared by every instance: one Lua script per check on one key
/// (<see cref="Key(string, string, string)"/>), Redis's clock, keys expiring two windows after their last counted request.
/// A Redis failure propagates; the middleware answers 503 (fails closed).
/// </summary>
public sealed class RedisRateLimiter(IConnectionMultiplexer redis, IOptions<RedisRateLimiterOptions>? options = null) : IRateLimiter
{
    private static readonly string Script = LoadScript();
#pragma warning disable CA5350 // Redis names scripts by their SHA-1 (EVALSHA); not a security use.
    // Sent by hash: given the text, StackExchange.Redis looks its hash up by hashing the whole text on every call.
    private static readonly byte[] ScriptHash = SHA1.HashData(Encoding.UTF8.GetBytes(Script));
#pragma warning restore CA5350
    private readonly string _prefix = options?.Value.KeyPrefix ?? "";

    public async ValueTask<RateLimitDecision> AcquireAsync(RateLimitRule rule, string subject, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        var windowMs = (long)rule.Window.TotalMilliseconds;
        RedisKey[] keys = [Key(_prefix, rule.Name, subject)];
        RedisValue[] args = [rule.PermitLimit, windowMs];
        var db = redis.GetDatabase();
        RedisResult raw;
        try
        {
            raw = await db.ScriptEvaluateAsync(ScriptHash, keys, args);
        }
        catch (RedisServerException ex) when (ex.Message.StartsWith("NOSCRIPT", StringComparison.Ordinal))
        {
            // A node that never saw the script (or lost it): EVAL with the text loads it there.
            raw = await db.ScriptEvaluateAsync(Script, keys, args);
        }

        var result = (RedisResult[])raw!;
        return (long)result[0] == 1
            ? RateLimitDecision.Allow
            : RateLimitDecision.Refuse(TimeSpan.FromMilliseconds((long)result[1]));
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

    private static string LoadScript()
    {
        using var stream = typeof(RedisRateLimiter).Assembly.GetManifestResourceStream("FlashSale.Storage.Redis.RateLimit.lua")
            ?? throw new InvalidOperationException("The embedded RateLimit.lua is missing.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
