using FlashSale.Operations;
using StackExchange.Redis;

namespace FlashSale.Storage.Redis;

/// <summary>Ready when every Redis master answers PING (a cluster decides each sale on one of them).</summary>
internal sealed class RedisProbe(IConnectionMultiplexer redis) : IStoreProbe
{
    public string Name => "redis";

    public async Task CheckAsync(CancellationToken ct)
    {
        var masters = redis.GetServers().Where(s => !s.IsReplica).ToList();
        if (masters.Count == 0)
        {
            throw new RedisConnectionException(ConnectionFailureType.UnableToConnect, "No Redis server is known.");
        }

        foreach (var server in masters)
        {
            await server.PingAsync().WaitAsync(ct);
        }
    }
}
