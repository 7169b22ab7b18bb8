using System.Globalization;
using StackExchange.Redis;

namespace FlashSale.Storage.Redis;

/// <summary>
/// What a Redis node's <c>INFO replication</c> says (<see cref="PendingReplication"/>): whether it is a master, its
/// offset in the replication stream, how many replicas are connected, and the offsets its online replicas acknowledged;
/// in a cluster also how many replicas the cluster lists for it and does not hold failed (<paramref name="ClusterReplicas"/>:
/// a replica cut off from its master is not connected, and can still be promoted), and whether it was promoted from a
/// replica since it started (<paramref name="WasPromoted"/>: <c>second_repl_offset</c>, where the replication history it
/// took over ends, is -1 on a master that never was a replica).
/// </summary>
internal sealed record ReplicationState(bool IsMaster, long MasterOffset, int Connected, IReadOnlyList<long> ReplicaOffsets, int ClusterReplicas,
    bool WasPromoted)
{
    /// <summary>
    /// How many replicas must hold an order (<see cref="DistributedOptions.PendingReplicas"/>): the setting, or for -1
    /// one if the node has any replica a failover could promote (connected, or listed by the cluster and not failed).
    /// </summary>
    public int Required(int setting) => setting >= 0 ? setting : Math.Min(1, Math.Max(Connected, ClusterReplicas));

    /// <summary>How many online replicas acknowledged at least <paramref name="offset"/>.</summary>
    public int HoldingAtLeast(long offset) => ReplicaOffsets.Count(acknowledged => acknowledged >= offset);

    /// <summary>
    /// The node's state now. Plain commands: StackExchange.Redis refuses its <c>InfoAsync</c> and <c>ClusterNodesAsync</c>
    /// unless the whole connection allows admin commands (FLUSHALL and the like), which nothing else here needs.
    /// </summary>
    public static async Task<ReplicationState> ReadAsync(IServer server)
    {
        var info = (string?)await server.ExecuteAsync("INFO", "replication") ?? "";
        var nodes = server.ServerType == ServerType.Cluster ? (string?)await server.ExecuteAsync("CLUSTER", "NODES") : null;
        return Parse(info, nodes);
    }

    /// <summary>
    /// From the node's <c>INFO replication</c> text and, in a cluster, its <c>CLUSTER NODES</c> text (null otherwise).
    /// </summary>
    public static ReplicationState Parse(string info, string? clusterNodes)
    {
        var offsets = new List<long>();
        var master = false;
        long masterOffset = long.MaxValue; // none given: no replica can be shown to hold anything
        var connected = 0;
        var promoted = false;
        foreach (var line in info.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                continue; // "# Replication"
            }

            var (name, value) = (line[..colon], line[(colon + 1)..]);
            switch (name)
            {
                case "role":
                    master = value == "master";
                    break;
                // Never a format exception from a text this process does not control: a field it cannot read stays as
                // a master with nothing to show (no offset, no replica, not promoted), which confirms nothing.
                case "master_repl_offset":
                    masterOffset = long.TryParse(value, CultureInfo.InvariantCulture, out var written) ? written : long.MaxValue;
                    break;
                case "connected_slaves":
                    connected = int.TryParse(value, CultureInfo.InvariantCulture, out var count) ? count : 0;
                    break;
                case "second_repl_offset":
                    promoted = long.TryParse(value, CultureInfo.InvariantCulture, out var second) && second >= 0;
                    break;
                default:
                    // slave0:ip=127.0.0.1,port=7004,state=online,offset=1234,lag=0
                    if (name.StartsWith("slave", StringComparison.Ordinal) && OnlineOffset(value) is { } offset)
                    {
                        offsets.Add(offset);
                    }

                    break;
            }
        }

        return new ReplicationState(master, masterOffset, connected, offsets, clusterNodes is null ? 0 : ClusterReplicasOf(clusterNodes),
            promoted);
    }

    /// <summary>
    /// The replicas <c>CLUSTER NODES</c> lists for the node it was asked of ("myself") and does not mark failed ("fail";
    /// "fail?", a suspicion of one node, still counts): those a failover could promote.
    /// </summary>
    private static int ClusterReplicasOf(string clusterNodes)
    {
        // <id> <ip:port@cport[,hostname]> <flags> <master id or -> <ping-sent> <pong-recv> <config-epoch> <link-state> <slot>...
        var nodes = clusterNodes.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(' '))
            .Where(fields => fields.Length >= 4)
            .ToList();
        var myself = nodes.FirstOrDefault(fields => fields[2].Split(',').Contains("myself"))?[0];
        return myself is null ? 0 : nodes.Count(fields => fields[3] == myself && !fields[2].Split(',').Contains("fail"));
    }

    /// <summary>An online replica's acknowledged offset; null for one still syncing (its offset is not yet the stream's).</summary>
    private static long? OnlineOffset(string value)
    {
        long? offset = null;
        var online = false;
        foreach (var part in value.Split(','))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals < 0)
            {
                continue;
            }

            var field = part[(equals + 1)..];
            switch (part[..equals])
            {
                case "state":
                    online = field == "online";
                    break;
                case "offset" when long.TryParse(field, CultureInfo.InvariantCulture, out var parsed):
                    offset = parsed;
                    break;
            }
        }

        return online ? offset : null;
    }
}
