using System.ComponentModel.DataAnnotations;

namespace FlashSale.Common;

/// <summary>
/// <c>Limits</c> in configuration: what one request and one client may cost. The request line and
/// headers have two tiers: the soft limit here is checked by <see cref="RequestLimitsMiddleware"/> and
/// answered with problem+json; Kestrel enforces a hard limit (<see cref="HardLimitFactor"/> times larger)
/// while parsing, so nothing beyond it is ever buffered. The body's limit is Kestrel's too, unmultiplied.
/// docs/security.md lists each with its reason.
/// </summary>
public sealed class RequestLimitsOptions
{
    public const string Section = "Limits";

    /// <summary>Kestrel's hard limits on the request line and headers' size are this many times the soft ones.</summary>
    public const int HardLimitFactor = 4;

    /// <summary>Bytes of body; a larger body is refused (413) before it is read.</summary>
    [Range(1024, 100 * 1024 * 1024)]
    public long MaxRequestBodySize { get; set; } = 64 * 1024;

    /// <summary>Characters of path and query string (414 beyond).</summary>
    [Range(256, 64 * 1024)]
    public int MaxRequestTargetLength { get; set; } = 4 * 1024;

    /// <summary>Bytes of all header names and values together (431 beyond).</summary>
    [Range(1024, 256 * 1024)]
    public int MaxRequestHeadersSize { get; set; } = 16 * 1024;

    /// <summary>Header fields per request (431 beyond).</summary>
    [Range(8, 1000)]
    public int MaxRequestHeaderCount { get; set; } = 50;

    /// <summary>Time to receive the request line and headers; Slowloris ends here.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan RequestHeadersTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>An idle keep-alive connection is closed after this.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:30:00")]
    public TimeSpan KeepAliveTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>A body must arrive at least this fast (bytes/s) once the grace period is over (408 below).</summary>
    [Range(1, 1024 * 1024)]
    public double MinRequestBodyBytesPerSecond { get; set; } = 240;

    /// <summary>How long a body may be slow before the rate applies; Kestrel wants more than one second.</summary>
    [Range(typeof(TimeSpan), "00:00:02", "00:05:00")]
    public TimeSpan MinRequestBodyGracePeriod { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Open connections per instance, SSE streams included; 0 = unlimited.</summary>
    [Range(0, 1_000_000)]
    public long MaxConcurrentConnections { get; set; } = 10_000;

    /// <summary>
    /// Open connections per client address (IPv6 per /64), counted as they are accepted, before any byte;
    /// 0 = unlimited. Addresses in <c>Network:TrustedProxies</c> are exempt: a proxy carries everyone.
    /// </summary>
    [Range(0, 1_000_000)]
    public int MaxConnectionsPerClient { get; set; } = 256;

    /// <summary>
    /// Purchases being decided or committed at once per instance; beyond it a purchase is shed with
    /// 503 + Retry-After before it is decided, so a flood cannot grow the commit queue without bound.
    /// </summary>
    [Range(1, 1_000_000)]
    public int MaxPurchasesInFlight { get; set; } = 4096;
}
