using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace FlashSale.Tests.Infrastructure;

/// <summary>
/// A private Redis Cluster of <c>masters</c> masters, each with <c>replicasPerMaster</c> replicas (none unless asked), for
/// tests that break it (kill a node, put a slot in migration, fail a master over to a replica that lags); the shared
/// cluster (7001-7003) stays up for everyone else. Nodes 0..masters-1 are the masters, with the slots split evenly in
/// node order; master m's replicas follow them (<see cref="ReplicaOf"/>). <c>cluster-require-full-coverage no</c>, so a
/// killed master leaves the others serving their slots.
/// </summary>
public sealed class RedisClusterProcess : IAsyncDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "flashsale-tests", "cluster-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly List<Node> _nodes = [];
    private readonly int _masters;
    private readonly int _replicasPerMaster;

    public RedisClusterProcess(int masters, int replicasPerMaster = 0)
    {
        _masters = masters;
        _replicasPerMaster = replicasPerMaster;
        for (var i = 0; i < masters * (1 + replicasPerMaster); i++)
        {
            _nodes.Add(new Node(FreePort(), FreePort(), Path.Combine(_dir, i.ToString(CultureInfo.InvariantCulture))));
        }
    }

    /// <summary>Every node, masters first: a client that starts while a master is down still finds the cluster.</summary>
    public IReadOnlyList<string> Addresses => _nodes.Select(n => $"127.0.0.1:{n.Port}").ToList();

    /// <summary>The seed list for the server's connection string.</summary>
    public string Configuration => string.Join(',', Addresses);

    /// <summary>The node index of master <paramref name="master"/>'s replica number <paramref name="replica"/>.</summary>
    public int ReplicaOf(int master, int replica = 0) => _masters + master * _replicasPerMaster + replica;

    public async Task StartAsync()
    {
        Directory.CreateDirectory(_dir);
        OwnProcesses.MarkOwned(_dir);
        foreach (var node in _nodes)
        {
            Directory.CreateDirectory(node.Dir);
            Launch(node);
        }

        foreach (var node in _nodes)
        {
            for (var attempt = 1; !await WaitListeningAsync(node); attempt++)
            {
                // It exited: its port (picked free, then let go) was taken before it could bind it, by another test's
                // server or any outgoing connection's ephemeral port. Another pair of ports, a few times.
                if (attempt == 5)
                {
                    throw new InvalidOperationException($"redis-server exited {attempt} times without listening (last port {node.Port})");
                }

                node.Process!.Dispose();
                Directory.Delete(node.Dir, recursive: true);
                Directory.CreateDirectory(node.Dir);
                node.Port = FreePort();
                node.BusPort = FreePort();
                Launch(node);
            }
        }

        var per = 16384 / _masters;
        for (var i = 0; i < _masters; i++)
        {
            var first = i * per;
            var last = i == _masters - 1 ? 16383 : first + per - 1;
            await CliAsync(i, "CLUSTER", "ADDSLOTSRANGE", Text(first), Text(last));
        }

        for (var i = 1; i < _nodes.Count; i++)
        {
            await CliAsync(0, "CLUSTER", "MEET", "127.0.0.1", Text(_nodes[i].Port), Text(_nodes[i].BusPort));
        }

        await WaitClusterOkAsync(Enumerable.Range(0, _nodes.Count), knownNodes: _nodes.Count);
        if (_replicasPerMaster == 0)
        {
            return;
        }

        for (var m = 0; m < _masters; m++)
        {
            var masterId = await IdAsync(m);
            for (var r = 0; r < _replicasPerMaster; r++)
            {
                // A node learns the others by gossip: REPLICATE is refused until this replica knows its master.
                var replica = ReplicaOf(m, r);
                for (var tries = 0; await CliAsync(replica, "CLUSTER", "REPLICATE", masterId) != "OK"; tries++)
                {
                    if (tries > 200)
                    {
                        throw new TimeoutException($"node {replica} did not become a replica of node {m}");
                    }

                    await Task.Delay(50);
                }
            }
        }

        for (var m = 0; m < _masters; m++)
        {
            for (var r = 0; r < _replicasPerMaster; r++)
            {
                await WaitInSyncAsync(ReplicaOf(m, r));
            }
        }

        await WaitClusterOkAsync(Enumerable.Range(0, _nodes.Count), knownNodes: _nodes.Count);
    }

    /// <summary>Waits until each of <paramref name="nodes"/> answers <c>cluster_state:ok</c> (and knows that many nodes).</summary>
    public async Task WaitClusterOkAsync(IEnumerable<int> nodes, int? knownNodes = null, TimeSpan? within = null)
    {
        var until = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(10));
        var list = nodes.ToList();
        while (true)
        {
            var ok = true;
            foreach (var i in list)
            {
                var info = await CliAsync(i, "CLUSTER", "INFO");
                ok &= info.Contains("cluster_state:ok", StringComparison.Ordinal)
                    && (knownNodes is not { } known || info.Contains($"cluster_known_nodes:{known}", StringComparison.Ordinal));
            }

            if (ok)
            {
                return;
            }

            if (DateTime.UtcNow > until)
            {
                throw new TimeoutException("the test cluster did not reach cluster_state:ok");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>One field of the node's <c>INFO replication</c> (role, master_repl_offset, slave_repl_offset, master_link_status…).</summary>
    public async Task<string?> ReplicationAsync(int node, string field)
    {
        foreach (var line in (await CliAsync(node, "INFO", "replication")).Split('\n'))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0 && line[..colon] == field)
            {
                return line[(colon + 1)..].Trim();
            }
        }

        return null;
    }

    /// <summary>
    /// Waits until the replica is linked to its master and has applied everything the master has written (its
    /// <c>slave_repl_offset</c> equals the master's <c>master_repl_offset</c>, read after it).
    /// </summary>
    public async Task WaitInSyncAsync(int replica, TimeSpan? within = null)
    {
        var master = MasterOf(replica);
        var until = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            if (await ReplicationAsync(replica, "master_link_status") == "up")
            {
                var written = await ReplicationAsync(master, "master_repl_offset");
                if (written is not null && written == await ReplicationAsync(replica, "slave_repl_offset"))
                {
                    return;
                }
            }

            if (DateTime.UtcNow > until)
            {
                throw new TimeoutException($"replica {replica} did not catch up with its master");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>
    /// Closes the master's links to its replicas (<c>CLIENT KILL TYPE replica</c>): a replica that is stopped cannot
    /// link again, so it misses every write from then on. Stopping it is not enough on its own: its kernel goes on
    /// receiving the replication stream into the socket's buffer, and on SIGCONT it would apply all of it.
    /// </summary>
    public async Task CutReplicasAsync(int master)
    {
        await CliAsync(master, "CLIENT", "KILL", "TYPE", "replica");
        for (var tries = 0; await ReplicationAsync(master, "connected_slaves") != "0"; tries++)
        {
            if (tries > 200)
            {
                throw new TimeoutException($"node {master} kept its replicas");
            }

            await Task.Delay(10);
        }
    }

    /// <summary>SIGSTOP one node: it answers nothing (clients, replication, the cluster bus) until <see cref="ContinueAsync"/>.</summary>
    public Task StopAsync(int node) => SignalAsync(node, "-STOP");

    /// <summary>SIGCONT a node <see cref="StopAsync"/> stopped.</summary>
    public Task ContinueAsync(int node) => SignalAsync(node, "-CONT");

    /// <summary>
    /// <c>CLUSTER FAILOVER TAKEOVER</c> on a replica (it takes its master's slots without any master's agreement, as an
    /// operator forces it when the master is dead and no majority can vote), then waits until it is a master and its
    /// cluster is ok.
    /// </summary>
    public async Task TakeOverAsync(int replica, TimeSpan? within = null)
    {
        var answer = await CliAsync(replica, "CLUSTER", "FAILOVER", "TAKEOVER");
        if (answer != "OK")
        {
            throw new InvalidOperationException($"CLUSTER FAILOVER TAKEOVER on node {replica}: {answer}");
        }

        var until = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(10));
        while (await ReplicationAsync(replica, "role") != "master")
        {
            if (DateTime.UtcNow > until)
            {
                throw new TimeoutException($"node {replica} did not become a master");
            }

            await Task.Delay(50);
        }

        await WaitClusterOkAsync([replica], within: until - DateTime.UtcNow);
    }

    /// <summary>One command to one node (redis-cli, not cluster-aware: CLUSTER SETSLOT and the like), its reply as text.</summary>
    public async Task<string> CliAsync(int node, params string[] command)
    {
        var info = new ProcessStartInfo("redis-cli", ["-h", "127.0.0.1", "-p", Text(_nodes[node].Port), .. command])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var cli = Process.Start(info) ?? throw new InvalidOperationException("redis-cli did not start");
        var output = await cli.StandardOutput.ReadToEndAsync();
        await cli.WaitForExitAsync();
        return output.Trim();
    }

    /// <summary>The node's id (CLUSTER MYID).</summary>
    public Task<string> IdAsync(int node) => CliAsync(node, "CLUSTER", "MYID");

    /// <summary>A key's hash slot (CLUSTER KEYSLOT).</summary>
    public async Task<int> SlotOfAsync(string key) => int.Parse(await CliAsync(0, "CLUSTER", "KEYSLOT", key), CultureInfo.InvariantCulture);

    /// <summary>The master that owns a slot, by the even split (before any failover).</summary>
    public int OwnerOf(int slot) => Math.Min(slot / (16384 / _masters), _masters - 1);

    private int MasterOf(int replica) => (replica - _masters) / _replicasPerMaster;

    private async Task SignalAsync(int node, string signal)
    {
        var process = _nodes[node].Process ?? throw new InvalidOperationException($"node {node} was not started");
        using var kill = Process.Start(new ProcessStartInfo("kill", [signal, Text(process.Id)]) { UseShellExecute = false })
            ?? throw new InvalidOperationException("kill did not start");
        await kill.WaitForExitAsync();
        if (kill.ExitCode != 0)
        {
            throw new InvalidOperationException($"kill {signal} {process.Id} failed ({kill.ExitCode})");
        }
    }

    /// <summary>SIGKILL one node.</summary>
    public async Task KillAsync(int node)
    {
        if (_nodes[node].Process is { HasExited: false } process)
        {
            process.Kill();
            await process.WaitForExitAsync();
        }
    }

    /// <summary>
    /// A test's teardown: the app and storage it built on this cluster, whichever its start got to (null when it failed
    /// first: a cluster that did not come up still has nodes running, which a throwing dispose left behind), then the
    /// cluster.
    /// </summary>
    public async Task DisposeWithAsync(TestApp? app, TestStorage? storage)
    {
        if (app is not null)
        {
            await app.DisposeAsync();
        }

        if (storage is not null)
        {
            await storage.DisposeAsync();
        }

        await DisposeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        for (var i = 0; i < _nodes.Count; i++)
        {
            await KillAsync(i);
            _nodes[i].Process?.Dispose();
        }

        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static void Launch(Node node)
    {
        var info = new ProcessStartInfo("redis-server",
            ["--port", node.Port.ToString(CultureInfo.InvariantCulture), "--cluster-port", node.BusPort.ToString(CultureInfo.InvariantCulture),
             "--bind", "127.0.0.1", "--dir", node.Dir, "--save", "", "--appendonly", "yes", "--appendfsync", "always",
             "--maxmemory-policy", "noeviction", "--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
             "--cluster-node-timeout", "5000", "--cluster-require-full-coverage", "no",
             // A replica's first full sync starts at once, not after the default 5 s wait for more replicas.
             "--repl-diskless-sync-delay", "0"])
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        node.Process = OwnProcesses.Track(Process.Start(info) ?? throw new InvalidOperationException("redis-server did not start (is it installed?)"));
        node.Process.BeginOutputReadLine();
    }

    /// <summary>True once the node accepts connections; false when its process exited first (its port was taken).</summary>
    private static async Task<bool> WaitListeningAsync(Node node)
    {
        for (var i = 0; i < 200; i++)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, node.Port);
                return true;
            }
            catch (SocketException)
            {
                if (node.Process!.HasExited)
                {
                    return false;
                }

                await Task.Delay(50);
            }
        }

        throw new TimeoutException($"redis-server did not listen on {node.Port}");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed class Node(int port, int busPort, string dir)
    {
        public int Port { get; set; } = port;

        public int BusPort { get; set; } = busPort;

        public string Dir { get; } = dir;

        public Process? Process { get; set; }
    }
}
