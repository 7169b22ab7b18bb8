using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace FlashSale.Common;

/// <summary>
/// Headers every response carries, set as the response starts so that error pages written later in
/// the pipeline (exception handler, status code pages) get them too: content sniffing, framing, referrer
/// and cross-origin rules, a Content-Security-Policy, HSTS over HTTPS, and <c>Cache-Control: no-store</c>
/// unless the response chose its own caching.
/// </summary>
public sealed class SecurityHeadersMiddleware
{
    private readonly RequestDelegate _next;
    private readonly SecurityHeadersOptions _options;
    private readonly bool _hsts;
    private readonly Func<object, Task> _applyOnStarting;

    public SecurityHeadersMiddleware(RequestDelegate next, IOptions<SecurityHeadersOptions> options, IHostEnvironment environment)
    {
        _next = next;
        _options = options.Value;
        _hsts = !environment.IsDevelopment();
        // One callback for all requests, the request as its state: nothing allocated per request for it.
        _applyOnStarting = state =>
        {
            Apply((HttpContext)state);
            return Task.CompletedTask;
        };
    }

    public Task InvokeAsync(HttpContext context)
    {
        context.Response.OnStarting(_applyOnStarting, context);
        return _next(context);
    }

    private void Apply(HttpContext context)
    {
        var headers = context.Response.Headers;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        headers["Cross-Origin-Opener-Policy"] = "same-origin";
        headers["Cross-Origin-Resource-Policy"] = "same-origin";
        // Nothing the server writes itself is for a cache unless its endpoint says so (the live feed does): tokens,
        // a buyer's orders, admin pages and the stock of the moment with its server time (countdowns are set by it).
        // Static files set their own (WebSetup); every other answer is for this request only.
        if (headers.CacheControl.Count == 0)
        {
            headers.CacheControl = "no-store";
        }

        if (!headers.ContainsKey(HeaderNames.ContentSecurityPolicy))
        {
            headers.ContentSecurityPolicy = PolicyFor(context);
        }

        if (_hsts && context.Request.IsHttps)
        {
            headers.StrictTransportSecurity = "max-age=31536000";
        }
    }

    private string PolicyFor(HttpContext context)
    {
        var html = context.Response.ContentType?.StartsWith("text/html", StringComparison.OrdinalIgnoreCase) == true;
        if (!html)
        {
            return _options.OtherPolicy;
        }

        return context.Request.Path.StartsWithSegments(OpenApiSetup.ReferencePath) ? _options.ApiDocsPolicy : _options.HtmlPolicy;
    }
}
