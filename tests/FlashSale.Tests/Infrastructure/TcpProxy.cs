using System.Net;
using System.Net.Sockets;

namespace FlashSale.Tests.Infrastructure;

/// <summary>
/// A TCP forwarder with two ways to fail. <see cref="Cut"/>: every connection reset and new ones
/// refused (the host went away). <see cref="Stall"/>: connections stay open and new ones are
/// accepted, but not a byte moves either way — what a SIGSTOPped or wedged database looks like
/// from the client — until <see cref="Resume"/>. The database stays up for the other tests.
/// <see cref="StallAtAsync"/> stalls at a given request, which is held: a server frozen at one step of its work.
/// </summary>
public sealed class TcpProxy : IAsyncDisposable
{
    private readonly IPEndPoint _target;
    private readonly List<TcpClient> _open = [];
    private TcpListener? _listener;
    private CancellationTokenSource _cts = new();
    private volatile TaskCompletionSource _flowing = Flowing();
    private CancellationTokenSource _existing = new();
    private Watch? _watch;

    public TcpProxy(string host, int port)
    {
        _target = new IPEndPoint(IPAddress.Parse(host), port);
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        Port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        Start();
    }

    public int Port { get; }

    /// <summary>Accepts and forwards again after <see cref="Cut"/>.</summary>
    public void Start()
    {
        _cts = new CancellationTokenSource();
        _listener = new TcpListener(IPAddress.Loopback, Port);
        _listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        _listener.Start();
        _ = AcceptAsync(_listener, _cts.Token);
    }

    /// <summary>Resets every connection and refuses new ones.</summary>
    public void Cut()
    {
        _cts.Cancel();
        _listener?.Stop();
        lock (_open)
        {
            foreach (var client in _open)
            {
                try
                {
                    client.Client?.LingerState = new LingerOption(true, 0);
                }
                catch (Exception e) when (e is SocketException or ObjectDisposedException)
                {
                }

                client.Dispose();
            }

            _open.Clear();
        }
    }

    /// <summary>Stops moving bytes without closing anything.</summary>
    public void Stall()
    {
        if (_flowing.Task.IsCompleted)
        {
            _flowing = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    /// <summary>
    /// Stalls when bytes holding <paramref name="marker"/> (e.g. a command and its key as the wire spells them) pass,
    /// before they are sent on; the task ends then. <see cref="Resume"/> lets them through. Looked for within each read
    /// of a connection, which holds a small command whole.
    /// </summary>
    public Task StallAtAsync(string marker)
    {
        var watch = new Watch(System.Text.Encoding.UTF8.GetBytes(marker));
        Volatile.Write(ref _watch, watch);
        return watch.Seen.Task.WaitAsync(TimeSpan.FromSeconds(10));
    }

    /// <summary>
    /// The connections open now stop moving bytes for good, without a word (no reset, no close), while new ones flow: the
    /// server they led to went away as after a failover to another host, a dead host or a dropped route.
    /// </summary>
    public void BlackHoleExisting() => Interlocked.Exchange(ref _existing, new CancellationTokenSource()).Cancel();

    /// <summary>Lets the held bytes and connections through.</summary>
    public void Resume() => _flowing.TrySetResult();

    private static TaskCompletionSource Flowing()
    {
        var flowing = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        flowing.SetResult();
        return flowing;
    }

    private async Task AcceptAsync(TcpListener listener, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            TcpClient inbound;
            try
            {
                inbound = await listener.AcceptTcpClientAsync(ct);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = ConnectAsync(inbound, ct);
        }
    }

    private async Task ConnectAsync(TcpClient inbound, CancellationToken ct)
    {
        var outbound = new TcpClient();
        lock (_open)
        {
            _open.Add(inbound);
            _open.Add(outbound);
        }

        try
        {
            // A stalled server accepts the connection (the kernel does) and never says hello.
            await _flowing.Task.WaitAsync(ct);
            await outbound.ConnectAsync(_target, ct);
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            inbound.Dispose();
            outbound.Dispose();
            return;
        }

        var goneAway = Volatile.Read(ref _existing).Token;
        _ = PipeAsync(inbound, outbound, goneAway, ct);
        _ = PipeAsync(outbound, inbound, goneAway, ct);
    }

    private async Task PipeAsync(TcpClient from, TcpClient to, CancellationToken goneAway, CancellationToken ct)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            var source = from.GetStream();
            var sink = to.GetStream();
            while (true)
            {
                await _flowing.Task.WaitAsync(ct);
                var read = await source.ReadAsync(buffer, ct);
                if (read == 0)
                {
                    return;
                }

                if (Volatile.Read(ref _watch) is { } watch && buffer.AsSpan(0, read).IndexOf(watch.Marker) >= 0 && Interlocked.CompareExchange(ref _watch, null, watch) == watch)
                {
                    Stall();
                    watch.Seen.TrySetResult();
                }

                // Read during a stall: held here until it ends. Read after the server went away: held for good.
                await _flowing.Task.WaitAsync(ct);
                if (goneAway.IsCancellationRequested)
                {
                    await Task.Delay(Timeout.Infinite, ct);
                }

                await sink.WriteAsync(buffer.AsMemory(0, read), ct);
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException or InvalidOperationException or SocketException)
        {
        }
        finally
        {
            from.Dispose();
            to.Dispose();
        }
    }

    private sealed record Watch(byte[] Marker)
    {
        public TaskCompletionSource Seen { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    public ValueTask DisposeAsync()
    {
        Resume();
        Cut();
        return ValueTask.CompletedTask;
    }
}
