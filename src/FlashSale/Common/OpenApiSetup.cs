using System.Text.Json.Serialization;

namespace FlashSale.Common;

/// <summary>The OpenAPI document (<c>/openapi/v1.json</c>) and what it is generated from.</summary>
public static class OpenApiSetup
{
    private const string CachePolicy = "openapi";

    /// <summary>
    /// <c>/openapi/v1.json</c>, generated once per host name and hour, not per request: generating it costs 6–25 ms of CPU
    /// and anyone may ask for it (the flood audit of 2026-12-06: two addresses within the per-IP rule could keep a core
    /// busy). The output cache runs for that path only, so no other request pays for it.
    /// </summary>
    public static void MapFlashSaleOpenApi(this WebApplication app)
    {
        app.UseWhen(c => c.Request.Path.StartsWithSegments("/openapi", StringComparison.OrdinalIgnoreCase), b => b.UseOutputCache());
        app.MapOpenApi().CacheOutput(CachePolicy);
    }

    public static IServiceCollection AddFlashSaleOpenApi(this IServiceCollection services)
    {
        // The document's schemas come from these options. Bodies are read by StrictJson, which refuses a number sent as
        // a string; with the web defaults (numbers read from strings too) every number was documented as
        // ["integer","string"] with a pattern. NumberHandling changes only reading: nothing reads a body with these
        // options, and every answer is written as before.
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.NumberHandling = JsonNumberHandling.Strict);
        // One entry per host name (the document names its server), ~115 KB each: a few real names fit; a client making up
        // names (AllowedHosts is *) evicts, and is generated for, but cannot pin more than this.
        services.AddOutputCache(o =>
        {
            o.SizeLimit = 4 * 1024 * 1024;
            o.AddPolicy(CachePolicy, p => p.Expire(TimeSpan.FromHours(1)));
        });
        return services.AddOpenApi(o => o.AddDocumentTransformer<BearerSecurityTransformer>()
            .AddOperationTransformer<BearerSecurityTransformer>()
            .AddOperationTransformer<ApiResponsesTransformer>()
            .AddOperationTransformer<RequestHeadersTransformer>()
            .AddSchemaTransformer<ProblemSchemaTransformer>());
    }
}
