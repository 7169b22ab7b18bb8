using System.Net;
using FlashSale.Drill.Cli;

namespace FlashSale.Drill.Api;

internal static class DrillHttp
{
    /// <summary>
    /// One shared handler for the whole run: HTTP/1.1, a connection per virtual user (and per parallel
    /// replay), no cookies, no proxy, no redirects — traffic goes to <c>--url</c> and nowhere else.
    /// </summary>
    public static HttpClient CreateClient(DrillOptions options)
    {
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = Math.Max(1, options.Concurrency * options.Retries),
            UseCookies = false,
            UseProxy = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            ConnectTimeout = TimeSpan.FromSeconds(Math.Min(10, options.RequestTimeout.TotalSeconds)),
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(2),
        };
        return new HttpClient(handler, disposeHandler: true)
        {
            // Each request carries its own timeout token; the client-wide one would be shared and coarse.
            Timeout = Timeout.InfiniteTimeSpan,
            DefaultRequestVersion = HttpVersion.Version11,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
    }
}
