namespace FlashSale.Web;

/// <summary>
/// Headers on every page: scripts and styles only from files on this origin (no inline code to
/// inject into), never framed, no MIME sniffing, no full URLs leaked to other sites.
/// </summary>
public static class SecurityHeaders
{
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: https:; connect-src 'self'; " +
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    public static IApplicationBuilder UseFlashSaleSecurityHeaders(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        var path = context.Request.Path;
        // The API reference UI brings its own inline script; it is a developer tool, not a page of the shop.
        if (!path.StartsWithSegments("/api-docs") && !path.StartsWithSegments("/openapi"))
        {
            var headers = context.Response.Headers;
            headers.ContentSecurityPolicy = ContentSecurityPolicy;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "strict-origin-when-cross-origin";
        }

        return next(context);
    });
}
