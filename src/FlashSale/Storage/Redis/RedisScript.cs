using StackExchange.Redis;

namespace FlashSale.Storage.Redis;

/// <summary>
/// A Lua script shipped as an embedded <c>Scripts/name.lua</c>: loaded once on every master
/// (SCRIPT LOAD), run by hash (EVALSHA); a node that lost it (restart, SCRIPT FLUSH) answers
/// NOSCRIPT and gets the text again (EVAL caches it there).
/// </summary>
public sealed class RedisScript
{
    private byte[]? _hash;

    public RedisScript(string name)
    {
        Name = name;
        using var stream = typeof(RedisScript).Assembly.GetManifestResourceStream($"FlashSale.Storage.Redis.Scripts.{name}.lua")
            ?? throw new InvalidOperationException($"Script {name}.lua is not embedded.");
        using var reader = new StreamReader(stream);
        Text = reader.ReadToEnd();
    }

    public string Name { get; }

    public string Text { get; }

    public async Task LoadAsync(IConnectionMultiplexer redis)
    {
        foreach (var endpoint in redis.GetEndPoints())
        {
            var server = redis.GetServer(endpoint);
            if (server.IsConnected && !server.IsReplica)
            {
                _hash = await server.ScriptLoadAsync(Text);
            }
        }
    }

    public async Task<RedisResult> EvaluateAsync(IDatabase db, RedisKey[] keys, RedisValue[] args)
    {
        var hash = _hash;
        if (hash is not null)
        {
            try
            {
                return await db.ScriptEvaluateAsync(hash, keys, args);
            }
            catch (RedisServerException ex) when (ex.Message.StartsWith("NOSCRIPT", StringComparison.Ordinal))
            {
                // Fall through: EVAL with the text loads it on that node.
            }
        }

        return await db.ScriptEvaluateAsync(Text, keys, args);
    }
}

/// <summary>The ledger's scripts, loaded once per process.</summary>
public sealed class LedgerScripts
{
    public RedisScript Purchase { get; } = new("purchase");

    public RedisScript Cancel { get; } = new("cancel");

    public RedisScript Sale { get; } = new("sale");

    public RedisScript Rebuild { get; } = new("rebuild");

    public RedisScript Reset { get; } = new("reset");

    public RedisScript Withdraw { get; } = new("withdraw");

    public RedisScript Measure { get; } = new("measure");

    public async Task LoadAsync(IConnectionMultiplexer redis)
    {
        foreach (var script in new[] { Purchase, Cancel, Sale, Rebuild, Reset, Withdraw, Measure })
        {
            await script.LoadAsync(redis);
        }
    }
}
