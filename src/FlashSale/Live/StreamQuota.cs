using FlashSale.RateLimiting;
using Microsoft.Extensions.Options;

namespace FlashSale.Live;

/// <summary>
/// At most <see cref="LiveOptions.MaxStreamsPerClient"/> live streams open at once from one client address (IPv6 per
/// /64, as the rate limits count). The rate limits count connects, not open streams: one address could open 1,200 a
/// minute, keep them all open with the heartbeats, and hold the instance's every connection
/// (<c>Limits:MaxConcurrentConnections</c>) within ten minutes, refusing every other client's.
/// </summary>
public sealed class StreamQuota(IOptions<LiveOptions> options)
{
    /// <summary>The <c>rule</c> label its refusals are counted under in <c>flashsale_rate_limited_total</c>.</summary>
    public const string RuleName = "live-streams";

    private readonly int _max = options.Value.MaxStreamsPerClient;
    private readonly OpenPerClient _open = new(options.Value.MaxStreamsPerClient);

    public int Max => _max;

    /// <summary>A lease to dispose when the stream ends; null when the address has its share open already.</summary>
    public Lease? TryEnter(HttpContext context)
    {
        // Without an address (a listener on a Unix socket) there is nothing to count by, as for the rate limits.
        if (_max == 0 || ClientAddress.Subject(context) is not { } client)
        {
            return new Lease(this, null);
        }

        if (!_open.TryEnter(client))
        {
            return null;
        }

        return new Lease(this, client);
    }

    public sealed class Lease(StreamQuota owner, string? client) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (client is not null && Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                owner._open.Leave(client);
            }
        }
    }
}
