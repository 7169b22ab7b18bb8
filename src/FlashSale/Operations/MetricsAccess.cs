using System.Net;
using FlashSale.Common;
using Microsoft.Extensions.Options;

namespace FlashSale.Operations;

/// <summary>
/// <c>/metrics</c> for the clients <see cref="NetworkOptions.MetricsClients"/> names only; to any other a 404, what an
/// address without an endpoint answers. The metrics tell how a sale sells, how many sign-ins fail and when the admin is
/// at work: for the operator's scraper, not for competitors (an audit, 2026-12-07). After the forwarded headers, so the
/// client behind a trusted proxy is the one judged, and a request still carrying a forwarded header (an untrusted proxy
/// in front) is refused; one with no network peer and no such header (in-process) is local.
/// </summary>
internal sealed class MetricsAccess(RequestDelegate next, IOptions<NetworkOptions> network)
{
    /// <summary>Where <c>OperationsSetup.MapOperations</c> serves them.</summary>
    private const string MetricsPath = "/metrics";

    private readonly IPNetwork[] _allowed = network.Value.MetricsNetworks();

    public Task InvokeAsync(HttpContext context)
    {
        if (context.Request.Path.StartsWithSegments(MetricsPath) && !Allowed(context))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        }

        return next(context);
    }

    private bool Allowed(HttpContext context)
    {
        // A forwarded header left after the trusted proxies' were read came through a proxy this server does not trust
        // (a load balancer on a private address, Network:TrustedProxies unset): its peer is the proxy, not the client,
        // and an address of the proxy's own network said nothing of who asked (a review, 2026-12-07).
        var headers = context.Request.Headers;
        if (headers.ContainsKey("X-Forwarded-For") || headers.ContainsKey("Forwarded"))
        {
            return false;
        }

        var client = context.Connection.RemoteIpAddress;
        if (client is null)
        {
            return true;
        }

        var address = client.IsIPv4MappedToIPv6 ? client.MapToIPv4() : client;
        return _allowed.Any(n => n.Contains(address));
    }
}
