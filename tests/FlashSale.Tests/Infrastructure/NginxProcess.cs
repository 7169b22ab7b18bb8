using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace FlashSale.Tests.Infrastructure;

/// <summary>Debian's nginx in front of test server instances, with the repository's deploy/nginx.conf (ports rewritten).</summary>
public sealed partial class NginxProcess : IAsyncDisposable
{
    private readonly Process _process;

    private NginxProcess(Process process, int port)
    {
        _process = process;
        BaseAddress = new Uri($"http://127.0.0.1:{port}");
    }

    public Uri BaseAddress { get; }

    public static async Task<NginxProcess> StartAsync(IReadOnlyList<Uri> upstreams, int perAddressLimit = 65535)
    {
        const string nginx = "/usr/sbin/nginx";
        if (!File.Exists(nginx))
        {
            throw new InvalidOperationException("nginx is not installed: scripts/services.sh install (apt-get install nginx).");
        }

        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();

        var conf = await File.ReadAllTextAsync(Path.Combine(RepoRoot(), "deploy", "nginx.conf"));
        var servers = string.Join("\n", upstreams.Select(u => $"        server 127.0.0.1:{u.Port} max_fails=3 fail_timeout=5s;"));
        conf = UpstreamServers().Replace(conf, servers + "\n", 1);
        conf = conf.Replace("listen 127.0.0.1:8080;", $"listen 127.0.0.1:{port};", StringComparison.Ordinal);
        // Every test buyer comes from 127.0.0.1 (MultiInstanceTests holds 512 requests at once): lifted to nginx's most by
        // default, not removed.
        conf = PerAddressLimit().Replace(conf, $"limit_conn perip {perAddressLimit};", 1);

        var prefix = Path.Combine(Path.GetTempPath(), "flashsale-tests", "nginx-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(Path.Combine(prefix, "tmp"));
        var confPath = Path.Combine(prefix, "nginx.conf");
        await File.WriteAllTextAsync(confPath, conf);
        var info = new ProcessStartInfo(nginx, ["-p", prefix, "-c", confPath, "-g", "daemon off;"]) { UseShellExecute = false };
        var started = new NginxProcess(OwnProcesses.Track(Process.Start(info)!), port);
        for (var i = 0; i < 100; i++)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return started;
            }
            catch (SocketException)
            {
                await Task.Delay(50);
            }
        }

        throw new TimeoutException("nginx did not listen");
    }

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "FlashSale.slnx")))
        {
            dir = dir.Parent;
        }

        return dir!.FullName;
    }

    [GeneratedRegex(@"limit_conn perip \d+;")]
    private static partial Regex PerAddressLimit();

    [GeneratedRegex(@"(        server 127\.0\.0\.1:\d+[^\n]*\n)+")]
    private static partial Regex UpstreamServers();

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }
}
