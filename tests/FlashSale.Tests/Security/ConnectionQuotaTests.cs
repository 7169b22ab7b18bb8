using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using FlashSale.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FlashSale.Tests.Security;

/// <summary>
/// Connections as an audit flooded them: real sockets from chosen loopback addresses (Linux routes all of 127/8 to
/// lo), holding connections open without a byte. Until 2026-12-06, 10,050 idle sockets from one address held every
/// connection of an instance (<c>Limits:MaxConcurrentConnections</c>) for 62 s each and every other client was
/// refused, /health/live included.
/// </summary>
public sealed class ConnectionQuotaTests
{
    private static readonly TimeSpan Prompt = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task OneAddress_HoldsAtMostItsShare_OthersServedMeanwhile_AndItConnectsAgainWhenSomeClose()
    {
        await using var app = Start(new Dictionary<string, string?>
        {
            ["Limits:MaxConnectionsPerClient"] = "20",
            // Idle sockets are held for the whole test, not closed by the first-byte timeout.
            ["Limits:RequestHeadersTimeout"] = "00:02:00",
        });
        var server = Server(app);
        var flooder = IPAddress.Parse("127.0.0.2");
        var held = new List<Socket>();
        try
        {
            for (var i = 0; i < 21; i++)
            {
                held.Add(await ConnectAsync(flooder, server));
            }

            // Kestrel hands accepted connections to the thread pool: which of the 21 comes last is its choice.
            var closed = await Task.WhenAll(held.Select(s => ClosedWithinAsync(s, Prompt)));
            Assert.Equal(1, closed.Count(c => c));
            held[Array.IndexOf(closed, true)].Dispose();
            held.RemoveAt(Array.IndexOf(closed, true));

            Assert.Equal(200, await GetStatusAsync(IPAddress.Parse("127.0.0.3"), server, "/health/live"));
            var metrics = await GetAsync(IPAddress.Parse("127.0.0.3"), server, "/metrics");
            Assert.Contains("flashsale_connections_refused_total", metrics, StringComparison.Ordinal);
            Assert.Contains("reason=\"per_client\"", metrics, StringComparison.Ordinal);

            // The share held is not touched: each of the twenty still answers.
            Assert.Equal(200, await RequestOnAsync(held[0], "/health/live"));

            held.Take(5).ToList().ForEach(s => s.Dispose());
            held.RemoveRange(0, 5);
            // The server sees the closes as they arrive; asked again until then.
            var watch = Stopwatch.StartNew();
            while (true)
            {
                try
                {
                    Assert.Equal(200, await GetStatusAsync(flooder, server, "/health/live"));
                    break;
                }
                catch (Exception ex) when (ex is IOException or SocketException or InvalidOperationException && watch.Elapsed < TimeSpan.FromSeconds(10))
                {
                    await Task.Delay(100);
                }
            }
        }
        finally
        {
            held.ForEach(s => s.Dispose());
        }
    }

    /// <summary>Written as an address, a network, or either in its IPv4-mapped IPv6 form (as the forwarded headers accept).</summary>
    [Theory]
    [InlineData("127.0.0.4")]
    [InlineData("127.0.0.0/24")]
    [InlineData("::ffff:127.0.0.4")]
    [InlineData("::ffff:127.0.0.0/120")]
    public async Task TrustedProxy_IsNotCapped(string trusted)
    {
        await using var app = Start(new Dictionary<string, string?>
        {
            ["Limits:MaxConnectionsPerClient"] = "5",
            ["Limits:RequestHeadersTimeout"] = "00:02:00",
            ["Network:TrustedProxies:0"] = trusted,
        });
        var server = Server(app);
        var held = new List<Socket>();
        try
        {
            for (var i = 0; i < 12; i++)
            {
                held.Add(await ConnectAsync(IPAddress.Parse("127.0.0.4"), server));
            }

            Assert.Equal(200, await RequestOnAsync(held[^1], "/health/live"));
            Assert.False(await ClosedWithinAsync(held[^2], TimeSpan.FromMilliseconds(500)));
        }
        finally
        {
            held.ForEach(s => s.Dispose());
        }
    }

    [Fact]
    public async Task SilentNewConnection_ClosedAfterRequestHeadersTimeout_IdleKeepAliveStaysOpen()
    {
        await using var app = Start(new Dictionary<string, string?>
        {
            ["Limits:RequestHeadersTimeout"] = "00:00:01",
            ["Limits:KeepAliveTimeout"] = "00:00:30",
        });
        var server = Server(app);

        using var silent = await ConnectAsync(IPAddress.Parse("127.0.0.6"), server);
        var watch = Stopwatch.StartNew();
        // Kestrel alone waits KeepAliveTimeout (30 s here) for a connection's first request.
        Assert.True(await ClosedWithinAsync(silent, Prompt), "a connection that sent nothing was still open after 5 s");
        Assert.True(watch.Elapsed >= TimeSpan.FromMilliseconds(500), $"closed after {watch.Elapsed}, before the timeout");

        using var keptAlive = await ConnectAsync(IPAddress.Parse("127.0.0.7"), server);
        Assert.Equal(200, await RequestOnAsync(keptAlive, "/health/live"));
        Assert.False(await ClosedWithinAsync(keptAlive, TimeSpan.FromSeconds(4)), "an idle keep-alive connection was closed before KeepAliveTimeout");
        Assert.Equal(200, await RequestOnAsync(keptAlive, "/health/live"));
    }

    /// <summary>
    /// The instance's cap, counted by <see cref="FlashSale.Common.ConnectionQuota"/> rather than Kestrel: until 2026-12-06
    /// Kestrel refused there and logged a Warning for each connection, thousands of lines a second in a flood.
    /// </summary>
    [Fact]
    public async Task OverTheInstanceCap_NewConnectionsClosedUnread_CountedAndWarnedOnce_NotOncePerConnection()
    {
        var logs = new WarningLog();
        await using var app = Start(new Dictionary<string, string?>
        {
            ["Limits:MaxConcurrentConnections"] = "5",
            ["Limits:MaxConnectionsPerClient"] = "0",
            ["Limits:RequestHeadersTimeout"] = "00:02:00",
        }, logs);
        var server = Server(app);
        var held = new List<Socket>();
        try
        {
            for (var i = 0; i < 5; i++)
            {
                // Answered, so counted before the next connects (Kestrel starts accepted connections in any order).
                held.Add(await ConnectAsync(IPAddress.Parse($"127.0.1.{i + 1}"), server));
                Assert.Equal(200, await RequestOnAsync(held[^1], "/health/live"));
            }

            for (var i = 0; i < 10; i++)
            {
                using var refused = await ConnectAsync(IPAddress.Parse($"127.0.2.{i + 1}"), server);
                Assert.True(await ClosedWithinAsync(refused, Prompt), $"connection {i + 6} of a cap of 5 was still open");
            }

            Assert.Equal(200, await RequestOnAsync(held[0], "/health/live"));
            held[^1].Dispose();
            held.RemoveAt(held.Count - 1);
            // Asked until the server has seen the close: each try before that is one more connection over the cap, refused.
            var tries = 0;
            var metrics = await WhenServedAsync(() =>
            {
                tries++;
                return GetAsync(IPAddress.Parse("127.0.3.1"), server, "/metrics");
            });
            var refusedLine = metrics.Split('\n').Single(l => l.StartsWith("flashsale_connections_refused_total{", StringComparison.Ordinal)
                && l.Contains("reason=\"instance\"", StringComparison.Ordinal));
            Assert.Equal((10 + tries - 1).ToString(System.Globalization.CultureInfo.InvariantCulture), refusedLine.Split(' ')[1]);
            var warnings = logs.Lines.ToList();
            Assert.Single(warnings, w => w.StartsWith("5007 ", StringComparison.Ordinal) && w.Contains("(5)", StringComparison.Ordinal));
            Assert.DoesNotContain(warnings, w => w.Contains("Microsoft.AspNetCore.Server.Kestrel", StringComparison.Ordinal));
        }
        finally
        {
            held.ForEach(s => s.Dispose());
        }
    }

    /// <summary>The server sees a close as it arrives: asked again until then.</summary>
    private static async Task<T> WhenServedAsync<T>(Func<Task<T>> request)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                var answer = await request();
                if (answer is not string text || text.Length > 0 || watch.Elapsed >= TimeSpan.FromSeconds(10))
                {
                    return answer;
                }
            }
            catch (Exception ex) when (ex is IOException or SocketException or InvalidOperationException && watch.Elapsed < TimeSpan.FromSeconds(10))
            {
            }

            await Task.Delay(100);
        }
    }

    private static TestApp Start(Dictionary<string, string?> settings, ILoggerProvider? logs = null)
    {
        var app = new TestApp(realSocket: true, settings: settings,
            services: logs is null ? null : s => s.AddSingleton(logs));
        app.StartServer();
        return app;
    }

    /// <summary>Every warning and error logged, as "event-id category message".</summary>
    private sealed class WarningLog : ILoggerProvider
    {
        private readonly ConcurrentQueue<string> _lines = new();

        public IEnumerable<string> Lines => _lines;

        public ILogger CreateLogger(string categoryName) => new Category(categoryName, _lines);

        public void Dispose()
        {
        }

        private sealed class Category(string name, ConcurrentQueue<string> lines) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (IsEnabled(logLevel))
                {
                    lines.Enqueue($"{eventId.Id} {name} {formatter(state, exception)}");
                }
            }
        }
    }

    private static IPEndPoint Server(TestApp app)
    {
        var address = app.ClientOptions.BaseAddress;
        var host = address.Host is "localhost" ? IPAddress.Loopback : IPAddress.Parse(address.Host);
        return new IPEndPoint(host, address.Port);
    }

    private static async Task<Socket> ConnectAsync(IPAddress from, IPEndPoint server)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(from, 0));
        await socket.ConnectAsync(server);
        return socket;
    }

    /// <summary>True when the server ends the connection (FIN or reset) within <paramref name="within"/>.</summary>
    private static async Task<bool> ClosedWithinAsync(Socket socket, TimeSpan within)
    {
        using var timeout = new CancellationTokenSource(within);
        var buffer = new byte[1024];
        try
        {
            while (true)
            {
                if (await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token) == 0)
                {
                    return true;
                }
            }
        }
        catch (SocketException)
        {
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private static async Task<int> GetStatusAsync(IPAddress from, IPEndPoint server, string path)
    {
        using var socket = await ConnectAsync(from, server);
        return await RequestOnAsync(socket, path);
    }

    private static async Task<string> GetAsync(IPAddress from, IPEndPoint server, string path)
    {
        using var socket = await ConnectAsync(from, server);
        await socket.SendAsync(Encoding.ASCII.GetBytes($"GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"));
        using var stream = new NetworkStream(socket);
        using var reader = new StreamReader(stream, Encoding.Latin1);
        return await reader.ReadToEndAsync();
    }

    /// <summary>One keep-alive GET on an open connection; its status, the body read to its end.</summary>
    private static async Task<int> RequestOnAsync(Socket socket, string path)
    {
        await socket.SendAsync(Encoding.ASCII.GetBytes($"GET {path} HTTP/1.1\r\nHost: localhost\r\n\r\n"));
        var received = new List<byte>();
        var buffer = new byte[4096];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (true)
        {
            var n = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
            if (n == 0)
            {
                throw new IOException("closed before an answer");
            }

            received.AddRange(buffer.AsSpan(0, n).ToArray());
            var text = Encoding.Latin1.GetString(received.ToArray());
            var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (end < 0)
            {
                continue;
            }

            var head = text[..end];
            var chunked = head.Contains("Transfer-Encoding: chunked", StringComparison.OrdinalIgnoreCase);
            var length = head.Split("\r\n").Select(l => l.Split(':', 2))
                .Where(p => p.Length == 2 && p[0].Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
                .Select(p => int.Parse(p[1].Trim(), CultureInfo.InvariantCulture)).FirstOrDefault();
            if (chunked ? text.EndsWith("\r\n0\r\n\r\n", StringComparison.Ordinal) : received.Count >= end + 4 + length)
            {
                return int.Parse(text.AsSpan(9, 3), CultureInfo.InvariantCulture);
            }
        }
    }
}
