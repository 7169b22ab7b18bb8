using FlashSale.Storage.Redis;

namespace FlashSale.Tests.Distributed;

/// <summary>
/// How many replicas a 202 pending needs (<c>Distributed:PendingReplicas</c>, <see cref="ReplicationState"/>), read from
/// the master's own texts as Redis 7 writes them: pure logic; the real master and replica are in <c>PendingReplicationTests</c>.
/// </summary>
public sealed class ReplicationStateTests
{
    private const string MasterWithOneReplica = """
        # Replication
        role:master
        connected_slaves:2
        slave0:ip=127.0.0.1,port=7004,state=online,offset=5464,lag=0
        slave1:ip=127.0.0.1,port=7005,state=wait_bgsave,offset=0,lag=0
        master_failover_state:no-failover
        master_replid:3f0c9e5bd1d4e0b9a1b1f6a0c1f2e3d4a5b6c7d8
        master_repl_offset:5480
        second_repl_offset:-1
        """;

    [Fact]
    public void AMastersInfo_GivesItsOffset_AndItsOnlineReplicasAcknowledgedOffsets()
    {
        var state = ReplicationState.Parse(MasterWithOneReplica.Replace("\n", "\r\n", StringComparison.Ordinal), clusterNodes: null);

        Assert.True(state.IsMaster);
        Assert.Equal(5480, state.MasterOffset);
        Assert.Equal(2, state.Connected);
        Assert.Equal([5464L], state.ReplicaOffsets); // the one still syncing has no offset of the stream yet
        Assert.Equal(1, state.HoldingAtLeast(5464));
        Assert.Equal(0, state.HoldingAtLeast(5465));
    }

    [Fact]
    public void AMasterPromotedFromAReplica_SaysSo_ByTheOffsetWhereItsOldHistoryEnds()
    {
        Assert.False(ReplicationState.Parse(MasterWithOneReplica, null).WasPromoted);
        Assert.True(ReplicationState.Parse("role:master\nconnected_slaves:0\nmaster_repl_offset:900\nsecond_repl_offset:812\n", null).WasPromoted);
    }

    /// <summary>A text this process does not control never throws, and confirms nothing it cannot read.</summary>
    [Fact]
    public void UnreadableFields_ConfirmNothing()
    {
        var state = ReplicationState.Parse("role:master\nconnected_slaves:x\nslave0:ip=1,port=2,state=online,offset=99,lag=0\nmaster_repl_offset:?\nsecond_repl_offset:\n", null);

        Assert.Equal(0, state.HoldingAtLeast(state.MasterOffset));
        Assert.False(state.WasPromoted);
        Assert.Equal(0, ReplicationState.Parse("role:master\nslave0:ip=1,port=2,state=online,offset=99,lag=0\n", null).HoldingAtLeast(
            ReplicationState.Parse("role:master\n", null).MasterOffset));
    }

    [Fact]
    public void AReplicasInfo_IsNotAMaster()
    {
        var state = ReplicationState.Parse("# Replication\nrole:slave\nmaster_host:127.0.0.1\nmaster_link_status:up\nslave_repl_offset:77\nconnected_slaves:0\nmaster_repl_offset:77\n", null);

        Assert.False(state.IsMaster);
    }

    [Theory]
    [InlineData(-1, 1)]
    [InlineData(0, 0)]
    [InlineData(2, 2)]
    public void WithAReplicaConnected_TheSettingOrOneIsRequired(int setting, int required)
    {
        Assert.Equal(required, ReplicationState.Parse(MasterWithOneReplica, null).Required(setting));
    }

    [Fact]
    public void WithNoReplica_NoneIsRequiredByDefault_ButASetNumberStill()
    {
        var alone = ReplicationState.Parse("role:master\nconnected_slaves:0\nmaster_repl_offset:10\n", null);

        Assert.Equal(0, alone.Required(-1));
        Assert.Equal(1, alone.Required(1));
    }

    /// <summary>
    /// A replica cut off from its master is not connected to it, and a failover can still promote it (the lagging replica
    /// of <c>LaggingReplicaFailoverTests</c>): the cluster's list counts it, unless the cluster holds it failed.
    /// </summary>
    [Theory]
    [InlineData("slave", 1)]
    [InlineData("slave,fail?", 1)]
    [InlineData("slave,fail", 0)]
    public void InACluster_AListedReplicaOfThisNodeCounts_UnlessFailed(string replicaFlags, int required)
    {
        var nodes = $"""
            aaaa 127.0.0.1:7001@17001 myself,master - 0 0 1 connected 0-8191
            bbbb 127.0.0.1:7002@17002 master - 0 1733480000000 2 connected 8192-16383
            cccc 127.0.0.1:7003@17003 {replicaFlags} aaaa 0 1733480000000 1 connected
            dddd 127.0.0.1:7004@17004 slave bbbb 0 1733480000000 2 connected
            """;
        var cutOff = ReplicationState.Parse("role:master\nconnected_slaves:0\nmaster_repl_offset:10\n", nodes);

        Assert.Equal(required, cutOff.Required(-1));
    }
}
