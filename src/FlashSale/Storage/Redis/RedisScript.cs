using System.Security.Cryptography;
using System.Text;
using StackExchange.Redis;

namespace FlashSale.Storage.Redis;

/// <summary>
/// A Lua script shipped as an embedded <c>Scripts/name.lua</c>, always run by hash (EVALSHA): the
/// hash is the SHA-1 of its text, as Redis names it, so no round trip is needed to learn it. It can be
/// loaded on every master up front (SCRIPT LOAD); a node that does not have it (never loaded, restart,
/// SCRIPT FLUSH) answers NOSCRIPT and gets the text once (EVAL caches it there). Run by text on every
/// call, StackExchange.Redis would hash the whole text each time to look the hash up.
/// </summary>
public sealed class RedisScript
{
    private readonly byte[] _hash;

    public RedisScript(string name)
    {
        Name = name;
        using var stream = typeof(RedisScript).Assembly.GetManifestResourceStream($"FlashSale.Storage.Redis.Scripts.{name}.lua")
            ?? throw new InvalidOperationException($"Script {name}.lua is not embedded.");
        using var reader = new StreamReader(stream);
        Text = reader.ReadToEnd();
#pragma warning disable CA5350 // Redis names scripts by their SHA-1 (EVALSHA); not a security use.
        _hash = SHA1.HashData(Encoding.UTF8.GetBytes(Text));
#pragma warning restore CA5350
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
                await server.ScriptLoadAsync(Text);
            }
        }
    }

    public async Task<RedisResult> EvaluateAsync(IDatabase db, RedisKey[] keys, RedisValue[] args)
    {
        try
        {
            return await db.ScriptEvaluateAsync(_hash, keys, args);
        }
        catch (RedisServerException ex) when (ex.Message.StartsWith("NOSCRIPT", StringComparison.Ordinal))
        {
            // EVAL with the text loads it on that node.
            return await db.ScriptEvaluateAsync(Text, keys, args);
        }
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

    public RedisScript Retire { get; } = new("retire");

    public RedisScript Stale { get; } = new("stale");

    public RedisScript Peek { get; } = new("peek");

    public async Task LoadAsync(IConnectionMultiplexer redis)
    {
        foreach (var script in new[] { Purchase, Cancel, Sale, Rebuild, Reset, Withdraw, Measure, Retire, Stale, Peek })
        {
            await script.LoadAsync(redis);
        }
    }
}
