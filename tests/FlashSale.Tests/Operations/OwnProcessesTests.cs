using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using FlashSale.Tests.Infrastructure;

namespace FlashSale.Tests.Operations;

/// <summary>
/// The safety net under the tests' own servers: a Redis left by a dead test host is stopped (its folder's owner gone),
/// a live host's is not (its folder marked with this process).
/// </summary>
public sealed class OwnProcessesTests
{
    [Fact]
    public async Task ARedisLeftByADeadHost_IsKilled_AndThisHostsOwnIsLeftRunning()
    {
        await using var own = new RedisServerProcess();
        await own.StartAsync();

        // The orphan: started by a shell that exits at once, so the server is re-parented, as when a test host is killed.
        var dir = Path.Combine(OwnProcesses.Root, "orphan-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        // Marked by a host that is gone (a pid no process has: the kernel's pid_max is at most 2^22).
        File.WriteAllText(Path.Combine(dir, "owner"), "9999999");
        var port = FreePort();
        using (var shell = Process.Start("sh", ["-c", $"redis-server --port {port} --bind 127.0.0.1 --dir '{dir}' --save '' > /dev/null 2>&1 &"]))
        {
            await shell.WaitForExitAsync();
        }

        var orphan = await ListeningPidAsync(port);
        try
        {
            var killed = OwnProcesses.KillOrphanedRedis();

            Assert.Contains(orphan, killed);
            await WaitGoneAsync(orphan);
            Assert.DoesNotContain(own.ProcessId!.Value, killed);
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, own.Port); // still serving
        }
        finally
        {
            if (Directory.Exists($"/proc/{orphan}"))
            {
                Process.GetProcessById(orphan).Kill();
            }

            Directory.Delete(dir, recursive: true);
        }
    }

    [Theory]
    [InlineData("4242 (redis-server) S 1 4242 4242 0 -1", 1)]
    [InlineData("77 (a (b) c) S 31337 77 77 0 -1", 31337)]
    public void TheParentIsReadAfterTheCommandName_WhateverItHolds(string stat, int parent) =>
        Assert.Equal(parent, OwnProcesses.ParentOf(stat));

    private static async Task<int> ListeningPidAsync(int port)
    {
        for (var i = 0; i < 100; i++)
        {
            var pid = Directory.EnumerateDirectories("/proc")
                .Select(d => int.TryParse(Path.GetFileName(d), out var p) ? p : 0)
                .FirstOrDefault(p => p > 0 && Comm(p) == "redis-server" && ListensOn(p, port));
            if (pid > 0)
            {
                return pid;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"the orphaned redis-server did not listen on {port}");
    }

    private static async Task WaitGoneAsync(int pid)
    {
        for (var i = 0; i < 100 && File.Exists($"/proc/{pid}/comm") && Comm(pid) == "redis-server"; i++)
        {
            await Task.Delay(50);
        }

        Assert.False(File.Exists($"/proc/{pid}/comm") && Comm(pid) == "redis-server", $"redis-server {pid} still runs");
    }

    private static string Comm(int pid) => Read($"/proc/{pid}/comm").Trim();

    // Redis's process title names its address ("redis-server 127.0.0.1:6379"): what it listens on, without netstat.
    private static bool ListensOn(int pid, int port) => Read($"/proc/{pid}/cmdline").Contains($":{port}", StringComparison.Ordinal);

    private static string Read(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (IOException)
        {
            return "";
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
