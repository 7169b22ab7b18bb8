using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace FlashSale.Tests.Infrastructure;

/// <summary>
/// A private Redis Cluster of <c>masters</c> masters without replicas, for tests that break it (kill a node, put a slot in
/// migration); the shared cluster (7001-7003) stays up for everyone else. The slots are split evenly in node order;
/// <c>cluster-require-full-coverage no</c>, so a killed master leaves the others serving their slots.
/// </summary>
public sealed class RedisClusterProcess : IAsyncDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "flashsale-tests", "cluster-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly List<Node> _nodes = [];

    public RedisClusterProcess(int masters)
    {
        for (var i = 0; i < masters; i++)
        {
            _nodes.Add(new Node(FreePort(), FreePort(), Path.Combine(_dir, i.ToString(CultureInfo.InvariantCulture))));
        }
    }

    public IReadOnlyList<string> Addresses => _nodes.Select(n => $"127.0.0.1:{n.Port}").ToList();

    /// <summary>The seed list for the server's connection string.</summary>
    public string Configuration => string.Join(',', Addresses);

    public async Task StartAsync()
    {
        foreach (var node in _nodes)
        {
            Directory.CreateDirectory(node.Dir);
            var info = new ProcessStartInfo("redis-server",
                ["--port", node.Port.ToString(CultureInfo.InvariantCulture), "--cluster-port", node.BusPort.ToString(CultureInfo.InvariantCulture),
                 "--bind", "127.0.0.1", "--dir", node.Dir, "--save", "", "--appendonly", "yes", "--appendfsync", "always",
                 "--maxmemory-policy", "noeviction", "--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
                 "--cluster-node-timeout", "5000", "--cluster-require-full-coverage", "no"])
            {
                RedirectStandardOutput = true,
                UseShellExecute = false,
            };
            node.Process = Process.Start(info) ?? throw new InvalidOperationException("redis-server did not start (is it installed?)");
            node.Process.BeginOutputReadLine();
        }

        for (var i = 0; i < _nodes.Count; i++)
        {
            await WaitListeningAsync(_nodes[i].Port);
        }

        var per = 16384 / _nodes.Count;
        for (var i = 0; i < _nodes.Count; i++)
        {
            var first = i * per;
            var last = i == _nodes.Count - 1 ? 16383 : first + per - 1;
            await CliAsync(i, "CLUSTER", "ADDSLOTSRANGE", Text(first), Text(last));
            if (i > 0)
            {
                await CliAsync(0, "CLUSTER", "MEET", "127.0.0.1", Text(_nodes[i].Port), Text(_nodes[i].BusPort));
            }
        }

        for (var tries = 0; ; tries++)
        {
            var ok = true;
            for (var i = 0; i < _nodes.Count; i++)
            {
                var info = await CliAsync(i, "CLUSTER", "INFO");
                ok &= info.Contains("cluster_state:ok", StringComparison.Ordinal)
                    && info.Contains($"cluster_known_nodes:{_nodes.Count}", StringComparison.Ordinal);
            }

            if (ok)
            {
                return;
            }

            if (tries > 200)
            {
                throw new TimeoutException("the test cluster did not reach cluster_state:ok");
            }

            await Task.Delay(50);
        }
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

    /// <summary>The node that owns a slot, by the even split.</summary>
    public int OwnerOf(int slot) => Math.Min(slot / (16384 / _nodes.Count), _nodes.Count - 1);

    /// <summary>SIGKILL one node.</summary>
    public async Task KillAsync(int node)
    {
        if (_nodes[node].Process is { HasExited: false } process)
        {
            process.Kill();
            await process.WaitForExitAsync();
        }
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

    private static async Task WaitListeningAsync(int port)
    {
        for (var i = 0; i < 200; i++)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(50);
            }
        }

        throw new TimeoutException($"redis-server did not listen on {port}");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed class Node(int port, int busPort, string dir)
    {
        public int Port { get; } = port;

        public int BusPort { get; } = busPort;

        public string Dir { get; } = dir;

        public Process? Process { get; set; }
    }
}
