using System.Text.Json.Serialization;
using Scalar.AspNetCore;

namespace FlashSale.Common;

/// <summary>The OpenAPI document (<c>/openapi/v1.json</c>), its reference UI, and what the document is generated from.</summary>
public static class OpenApiSetup
{
    private const string CachePolicy = "openapi";

    /// <summary>
    /// Where the API reference UI is served. A constant, not a setting: the security headers give this path the UI's
    /// own policy and the HTML problem pages leave it alone, so they must name the path it is mapped at.
    /// </summary>
    public const string ReferencePath = "/api-docs";

    /// <summary>
    /// <c>/openapi/v1.json</c>, generated once an hour, not per request: generating it costs 6–25 ms of CPU and anyone
    /// may ask for it (the flood audit of 2026-12-06: two addresses within the per-IP rule could keep a core busy). The
    /// document names no server (its paths are relative to wherever it was fetched from), so one copy serves every host
    /// name: keyed by host, a client making one up per request was generated for every time (the session review). The
    /// output cache runs for that path only, so no other request pays for it. The reference UI reads the document.
    /// </summary>
    public static void MapFlashSaleOpenApi(this WebApplication app)
    {
        app.UseWhen(c => c.Request.Path.StartsWithSegments("/openapi", StringComparison.OrdinalIgnoreCase), b => b.UseOutputCache());
        app.MapOpenApi().CacheOutput(CachePolicy);
        // The reference only: no Scalar developer toolbar ("Deploy", "Generate SDK"), AI chat ("Ask AI"), MCP or telemetry,
        // none of which is ours to offer, and no web fonts from Scalar's CDN, which our policy (font-src 'self' data:) blocks:
        // until 2026-12-07 each load logged a CSP error (~15 a visit). The system fonts stand in.
        app.MapScalarApiReference(ReferencePath, o => o.WithTitle("FlashSale API")
            .HideDeveloperTools().DisableAgent().DisableMcp().DisableTelemetry().DisableDefaultFonts());
    }

    public static IServiceCollection AddFlashSaleOpenApi(this IServiceCollection services)
    {
        // The document's schemas come from these options. Bodies are read by StrictJson, which refuses a number sent as
        // a string; with the web defaults (numbers read from strings too) every number was documented as
        // ["integer","string"] with a pattern. NumberHandling changes only reading: nothing reads a body with these
        // options, and every answer is written as before.
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.NumberHandling = JsonNumberHandling.Strict);
        // ~115 KB a copy; the limit only bounds what the cache could ever hold.
        services.AddOutputCache(o =>
        {
            o.SizeLimit = 4 * 1024 * 1024;
            o.AddPolicy(CachePolicy, p => p.Expire(TimeSpan.FromHours(1)).SetVaryByHost(false));
        });
        return services.AddOpenApi(o => o.AddDocumentTransformer<BearerSecurityTransformer>()
            .AddDocumentTransformer((document, _, _) =>
            {
                // The request's own scheme and host otherwise: a cached copy would name the first requester's.
                document.Servers?.Clear();
                return Task.CompletedTask;
            })
            .AddOperationTransformer<BearerSecurityTransformer>()
            .AddOperationTransformer<ApiResponsesTransformer>()
            .AddOperationTransformer<RequestHeadersTransformer>()
            .AddOperationTransformer<ParameterSchemaTransformer>()
            .AddSchemaTransformer<ProblemSchemaTransformer>());
    }
}
