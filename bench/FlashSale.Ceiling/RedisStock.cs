using StackExchange.Redis;

namespace FlashSale.Ceiling;

/// <summary>One EVALSHA per call of a trivial script: take one unit if any is left.</summary>
public sealed class RedisStock : IDisposable
{
    private const string Script = """
        local v = tonumber(redis.call('GET', KEYS[1]) or '0')
        if v > 0 then return redis.call('DECR', KEYS[1]) end
        return -1
        """;

    private readonly ConnectionMultiplexer _redis;
    private readonly IDatabase _db;
    private readonly byte[] _sha;
    private readonly RedisKey[] _keys;

    private RedisStock(ConnectionMultiplexer redis, byte[] sha, RedisKey key)
    {
        _redis = redis;
        _db = redis.GetDatabase();
        _sha = sha;
        _keys = [key];
    }

    public static async Task<RedisStock> ConnectAsync(string configuration, string key)
    {
        var redis = await ConnectionMultiplexer.ConnectAsync(configuration);
        var server = redis.GetServer(redis.GetEndPoints()[0]);
        var sha = await server.ScriptLoadAsync(Script);
        // Enough stock that no run ever sells out.
        await redis.GetDatabase().StringSetAsync(key, 1_000_000_000_000L);
        return new RedisStock(redis, sha, key);
    }

    /// <summary>The stock left after taking one, or -1 when none was left.</summary>
    public async Task<long> TakeAsync() => (long)await _db.ScriptEvaluateAsync(_sha, _keys);

    public void Dispose() => _redis.Dispose();
}
