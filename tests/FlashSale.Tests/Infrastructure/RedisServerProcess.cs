using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace FlashSale.Tests.Infrastructure;

/// <summary>
/// A private redis-server for tests that stop and restart Redis (the shared test servers must
/// stay up for everyone else). AOF with appendfsync always, as deploy/redis.conf.
/// </summary>
public sealed class RedisServerProcess : IAsyncDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "flashsale-tests", "redis-" + Guid.NewGuid().ToString("N")[..8]);
    private Process? _process;

    public RedisServerProcess()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        Port = ((IPEndPoint)listener.LocalEndpoint).Port;
        Directory.CreateDirectory(_dir);
        OwnProcesses.MarkOwned(_dir);
    }

    public int Port { get; }

    public string Address => $"127.0.0.1:{Port}";

    /// <summary>The server's pid once started.</summary>
    public int? ProcessId => _process?.Id;

    public async Task StartAsync()
    {
        var info = new ProcessStartInfo("redis-server",
            ["--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--dir", _dir,
             "--save", "", "--appendonly", "yes", "--appendfsync", "always", "--maxmemory-policy", "noeviction"])
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        _process = OwnProcesses.Track(Process.Start(info) ?? throw new InvalidOperationException("redis-server did not start (is it installed?)"));
        _process.BeginOutputReadLine();
        for (var i = 0; i < 100; i++)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(50);
            }
        }

        throw new TimeoutException($"redis-server did not listen on {Port}");
    }

    /// <summary>SIGKILL: what a crash does. The AOF keeps every acknowledged write.</summary>
    public async Task KillAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process?.Dispose();
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
