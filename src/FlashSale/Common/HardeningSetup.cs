using System.Net;
using FlashSale.RateLimiting;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace FlashSale.Common;

/// <summary>
/// Issue #5 in one place: request limits (Kestrel and ours), trusted proxies, security headers,
/// rate limits, CSRF for cookie-authenticated API calls, bad requests as problem+json.
/// docs/security.md is the reader's guide to all of it.
/// </summary>
public static class HardeningSetup
{
    public static IServiceCollection AddFlashSaleHardening(this IServiceCollection services)
    {
        services.AddOptions<RequestLimitsOptions>().BindConfiguration(RequestLimitsOptions.Section)
            .ValidateSettings(RequestLimitsOptions.Section).ValidateOnStart();
        services.AddOptions<KestrelServerOptions>().Configure<IOptions<RequestLimitsOptions>>(ConfigureKestrel);
        // Every endpoint: those bound from urls / ASPNETCORE_URLS / Kestrel:Endpoints get the defaults as they bind.
        services.AddSingleton<ConnectionQuota>();
        services.AddOptions<KestrelServerOptions>().Configure<ConnectionQuota>(
            (kestrel, quota) => kestrel.ConfigureEndpointDefaults(listen => listen.Use(quota.Use)));

        services.AddOptions<NetworkOptions>().BindConfiguration(NetworkOptions.Section)
            .Validate(o => o.TrustedProxies.All(IsAddressOrNetwork), "Network:TrustedProxies: each entry is an IP address or a CIDR network.")
            .Validate(o => o.MetricsClients?.All(IsAddressOrNetwork) != false, "Network:MetricsClients: each entry is an IP address or a CIDR network.")
            .ValidateOnStart();
        services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<NetworkOptions>>(ConfigureForwardedHeaders);

        services.AddOptions<SecurityHeadersOptions>().BindConfiguration(SecurityHeadersOptions.Section);

        // Failed parameter binding throws in every environment, so BadRequestExceptionHandler can say which parameter.
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.AddExceptionHandler<BadRequestExceptionHandler>();

        services.AddFlashSaleRateLimiting();
        return services;
    }

    /// <summary>
    /// First in the pipeline: the real client address, headers on every response, cross-origin calls (when configured:
    /// ahead of the size limits, so a storefront can read a 413/414/431 too, and of authentication and the rate limits, as
    /// a preflight carries no token), size limits.
    /// </summary>
    public static IApplicationBuilder UseFlashSaleEdge(this IApplicationBuilder app) =>
        app.UseForwardedHeaders()
            .UseMiddleware<SecurityHeadersMiddleware>()
            .UseFlashSaleCrossOrigin()
            .UseMiddleware<RequestLimitsMiddleware>();

    /// <summary>After UseAuthentication, before UseAuthorization: rate limits, then the CSRF check.</summary>
    public static IApplicationBuilder UseFlashSaleRequestGuards(this IApplicationBuilder app) =>
        app.UseFlashSaleRateLimiting()
            .UseMiddleware<CookieCsrfMiddleware>();

    private static void ConfigureKestrel(KestrelServerOptions kestrel, IOptions<RequestLimitsOptions> options)
    {
        var o = options.Value;
        var limits = kestrel.Limits;
        kestrel.AddServerHeader = false;
        limits.MaxRequestBodySize = o.MaxRequestBodySize;
        limits.MaxRequestLineSize = Math.Max(8 * 1024, o.MaxRequestTargetLength * RequestLimitsOptions.HardLimitFactor);
        limits.MaxRequestHeadersTotalSize = Math.Max(32 * 1024, o.MaxRequestHeadersSize * RequestLimitsOptions.HardLimitFactor);
        limits.MaxRequestHeaderCount = Math.Max(100, o.MaxRequestHeaderCount * 2);
        limits.RequestHeadersTimeout = o.RequestHeadersTimeout;
        limits.KeepAliveTimeout = o.KeepAliveTimeout;
        limits.MinRequestBodyDataRate = new MinDataRate(o.MinRequestBodyBytesPerSecond, o.MinRequestBodyGracePeriod);
        // Counted by ConnectionQuota instead: Kestrel would log a warning for each connection refused at it.
        limits.MaxConcurrentConnections = null;
        // An upgraded connection (WebSocket) is not something this server offers; SSE is plain HTTP.
        limits.MaxConcurrentUpgradedConnections = o.MaxConcurrentConnections == 0 ? null : o.MaxConcurrentConnections;
        limits.Http2.MaxRequestHeaderFieldSize = Math.Max(16 * 1024, o.MaxRequestHeadersSize * RequestLimitsOptions.HardLimitFactor);
    }

    private static void ConfigureForwardedHeaders(ForwardedHeadersOptions forwarded, IOptions<NetworkOptions> network)
    {
        // The framework trusts loopback by default, and trusts every peer when both lists are empty:
        // with no trusted proxy configured, forwarded headers are not read at all.
        forwarded.ForwardedHeaders = network.Value.TrustedProxies.Length == 0
            ? ForwardedHeaders.None
            : ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
        forwarded.KnownProxies.Clear();
        forwarded.KnownIPNetworks.Clear();
#pragma warning disable ASPDEPR005 // The obsolete list still holds 127.0.0.0/8 by default and is still consulted.
        forwarded.KnownNetworks.Clear();
#pragma warning restore ASPDEPR005
        // Unwrap as many hops as are trusted proxies, stopping at the first address that is not one.
        forwarded.ForwardLimit = null;
        foreach (var entry in network.Value.TrustedProxies)
        {
            if (entry.Contains('/', StringComparison.Ordinal))
            {
                forwarded.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(entry));
            }
            else
            {
                forwarded.KnownProxies.Add(IPAddress.Parse(entry));
            }
        }
    }

    private static bool IsAddressOrNetwork(string entry) =>
        entry.Contains('/', StringComparison.Ordinal) ? System.Net.IPNetwork.TryParse(entry, out _) : IPAddress.TryParse(entry, out _);
}
