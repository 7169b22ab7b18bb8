using System.Net;
using FlashSale.Operations;
using FlashSale.RateLimiting;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.Extensions.Options;

namespace FlashSale.Common;

/// <summary>
/// Kestrel connection middleware, before any byte is parsed. At most <see cref="RequestLimitsOptions.MaxConnectionsPerClient"/>
/// connections open at once per client address (IPv6 per /64, as the rate limits count), trusted proxies exempt; and a new
/// connection that sends nothing within <see cref="RequestLimitsOptions.RequestHeadersTimeout"/> is closed (Kestrel waits
/// <c>KeepAliveTimeout</c> for a connection's first request). Without them one address that opened 10,050 idle sockets held
/// every connection of an instance (<c>MaxConcurrentConnections</c>) and every other client was refused, /health included;
/// the rate limits never saw it, as no request was ever parsed. One dictionary update per connection, none per request.
/// The instance-wide cap, <see cref="RequestLimitsOptions.MaxConcurrentConnections"/>, is counted here too rather than by
/// Kestrel: Kestrel logs a warning for every connection it refuses there, thousands a second in a flood from many
/// addresses; here each one is counted in the metric and one warning a minute says how many.
/// </summary>
public sealed partial class ConnectionQuota(IOptions<RequestLimitsOptions> limits, IOptions<NetworkOptions> network,
    FlashSaleMetrics metrics, TimeProvider time, ILogger<ConnectionQuota> logger)
{
    private readonly int _max = limits.Value.MaxConnectionsPerClient;
    private readonly long _maxTotal = limits.Value.MaxConcurrentConnections;
    private long _total;
    private readonly TimeSpan _firstByteTimeout = limits.Value.RequestHeadersTimeout;
    private readonly System.Net.IPNetwork[] _trusted = network.Value.TrustedNetworks();
    private readonly OpenPerClient _open = new(limits.Value.MaxConnectionsPerClient);
    // A flood refuses thousands of connections a second: one warning a minute says how many.
    private readonly FloodWarning _refusals = new(TimeSpan.FromMinutes(1), time);
    private readonly FloodWarning _instanceRefusals = new(TimeSpan.FromMinutes(1), time);

    /// <summary>For <c>ListenOptions.Use</c>.</summary>
    public ConnectionDelegate Use(ConnectionDelegate next) => connection => HandleAsync(connection, next);

    private async Task HandleAsync(ConnectionContext connection, ConnectionDelegate next)
    {
        // Every connection counts towards the instance's cap, a trusted proxy's too: it bounds the process's sockets.
        if (_maxTotal > 0 && Interlocked.Increment(ref _total) > _maxTotal)
        {
            Interlocked.Decrement(ref _total);
            // Not passed on: Kestrel closes the socket at once, before reading a byte.
            RefusedOverInstance();
            return;
        }

        try
        {
            await HandleCountedAsync(connection, next);
        }
        finally
        {
            if (_maxTotal > 0)
            {
                Interlocked.Decrement(ref _total);
            }
        }
    }

    private async Task HandleCountedAsync(ConnectionContext connection, ConnectionDelegate next)
    {
        var client = CountedAs(connection.RemoteEndPoint);
        if (client is not null && !_open.TryEnter(client))
        {
            Refused(client);
            return;
        }

        try
        {
            if (await FirstByteAsync(connection))
            {
                await next(connection);
            }
        }
        finally
        {
            if (client is not null)
            {
                _open.Leave(client);
            }
        }
    }

    /// <summary>Null: not counted (the cap is off, a trusted proxy, or no IP address, as on a Unix socket).</summary>
    private string? CountedAs(EndPoint? remote)
    {
        if (_max == 0 || remote is not IPEndPoint { Address: var address })
        {
            return null;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        foreach (var trusted in _trusted)
        {
            if (trusted.Contains(address))
            {
                return null;
            }
        }

        return ClientAddress.Subject(address);
    }

    /// <summary>
    /// Waits for the connection's first byte and leaves it unread for Kestrel; false when none came in time or the
    /// connection ended first. Later requests on the connection are Kestrel's (KeepAliveTimeout between them).
    /// </summary>
    private async Task<bool> FirstByteAsync(ConnectionContext connection)
    {
        var input = connection.Transport.Input;
        using var timeout = new CancellationTokenSource(_firstByteTimeout, time);
        // A server shutting down asks its connections to close: an idle one need not hold it up.
        var closing = connection.Features.Get<IConnectionLifetimeNotificationFeature>()?.ConnectionClosedRequested ?? CancellationToken.None;
        using var stop = closing.UnsafeRegister(static state => ((CancellationTokenSource)state!).Cancel(), timeout);
        try
        {
            var read = await input.ReadAsync(timeout.Token);
            var arrived = !read.Buffer.IsEmpty;
            input.AdvanceTo(read.Buffer.Start);
            return arrived;
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !closing.IsCancellationRequested)
        {
            metrics.ConnectionRefused("first_byte_timeout");
            return false;
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
            // Reset or aborted by the client or the server's shutdown: nothing to answer.
            return false;
        }
    }

    private void Refused(string client)
    {
        metrics.ConnectionRefused("per_client");
        if (_refusals.Count() is > 0 and var count)
        {
            LogRefused(logger, _max, count, client);
        }
    }

    private void RefusedOverInstance()
    {
        metrics.ConnectionRefused("instance");
        if (_instanceRefusals.Count() is > 0 and var count)
        {
            LogRefusedOverInstance(logger, _maxTotal, count);
        }
    }

    [LoggerMessage(EventId = 5007, Level = LogLevel.Warning,
        Message = "Connections refused, the instance holding Limits:MaxConcurrentConnections ({Max}) open already: {Count} since the last such warning (warned at most once a minute; each one counted in flashsale_connections_refused_total)")]
    private static partial void LogRefusedOverInstance(ILogger logger, long max, long count);

    [LoggerMessage(EventId = 5004, Level = LogLevel.Warning,
        Message = "Connections refused, their address holding Limits:MaxConnectionsPerClient ({Max}) open already: {Count} since the last such warning, the latest from {Client} (warned at most once a minute; each one counted in flashsale_connections_refused_total)")]
    private static partial void LogRefused(ILogger logger, int max, long count, string client);
}
