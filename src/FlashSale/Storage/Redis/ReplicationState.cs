using System.Globalization;

namespace FlashSale.Storage.Redis;

/// <summary>
/// What a Redis node's <c>INFO replication</c> says (<see cref="PendingReplication"/>): whether it is a master, its
/// offset in the replication stream, how many replicas are connected, and the offsets its online replicas acknowledged;
/// in a cluster also how many replicas the cluster lists for it and does not hold failed (<paramref name="ClusterReplicas"/>:
/// a replica cut off from its master is not connected, and can still be promoted).
/// </summary>
internal sealed record ReplicationState(bool IsMaster, long MasterOffset, int Connected, IReadOnlyList<long> ReplicaOffsets, int ClusterReplicas)
{
    /// <summary>
    /// How many replicas must hold an order (<see cref="DistributedOptions.PendingReplicas"/>): the setting, or for -1
    /// one if the node has any replica a failover could promote (connected, or listed by the cluster and not failed).
    /// </summary>
    public int Required(int setting) => setting >= 0 ? setting : Math.Min(1, Math.Max(Connected, ClusterReplicas));

    /// <summary>How many online replicas acknowledged at least <paramref name="offset"/>.</summary>
    public int HoldingAtLeast(long offset) => ReplicaOffsets.Count(acknowledged => acknowledged >= offset);

    /// <summary>
    /// From the node's <c>INFO replication</c> text and, in a cluster, its <c>CLUSTER NODES</c> text (null otherwise).
    /// </summary>
    public static ReplicationState Parse(string info, string? clusterNodes)
    {
        var offsets = new List<long>();
        var master = false;
        long masterOffset = 0;
        var connected = 0;
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
                case "master_repl_offset":
                    masterOffset = long.Parse(value, CultureInfo.InvariantCulture);
                    break;
                case "connected_slaves":
                    connected = int.Parse(value, CultureInfo.InvariantCulture);
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

        return new ReplicationState(master, masterOffset, connected, offsets, clusterNodes is null ? 0 : ClusterReplicasOf(clusterNodes));
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
