using System.Net;
using System.Net.Sockets;

namespace FlashSale.Drill.Tests;

/// <summary>
/// A loopback TCP proxy in front of a server that can be told to stop passing the answers on (<see cref="Stall"/>): the
/// requests then stay in flight, as to a server that hangs, for as long as the test needs the drill busy.
/// </summary>
internal sealed class StallingProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Uri _upstream;
    private readonly CancellationTokenSource _closed = new();
    private readonly Task _accepting;
    private volatile bool _stalled;

    public StallingProxy(Uri upstream)
    {
        _upstream = upstream;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public Uri BaseAddress => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");

    /// <summary>From now on no answer (no byte from the server) is passed on.</summary>
    public void Stall() => _stalled = true;

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var client = await _listener.AcceptTcpClientAsync(_closed.Token);
                _ = ServeAsync(client);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Closed.
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        using (var server = new TcpClient())
        {
            try
            {
                await server.ConnectAsync(_upstream.Host, _upstream.Port, _closed.Token);
                var toServer = client.GetStream().CopyToAsync(server.GetStream(), _closed.Token);
                var toClient = PassAnswersAsync(server.GetStream(), client.GetStream());
                await Task.WhenAny(toServer, toClient);
            }
            catch (Exception e) when (e is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
            {
                // Either side closed, or the proxy did.
            }
        }
    }

    private async Task PassAnswersAsync(Stream from, Stream to)
    {
        var buffer = new byte[16 * 1024];
        while (true)
        {
            var read = await from.ReadAsync(buffer, _closed.Token);
            if (read == 0)
            {
                return;
            }

            if (_stalled)
            {
                await Task.Delay(Timeout.Infinite, _closed.Token);
            }

            await to.WriteAsync(buffer.AsMemory(0, read), _closed.Token);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _closed.CancelAsync();
        _listener.Stop();
        await _accepting;
        _listener.Dispose();
        _closed.Dispose();
    }
}
