using System.Text.Json.Serialization;

namespace FlashSale.Common;

/// <summary>The OpenAPI document (<c>/openapi/v1.json</c>) and what it is generated from.</summary>
public static class OpenApiSetup
{
    public static IServiceCollection AddFlashSaleOpenApi(this IServiceCollection services)
    {
        // The document's schemas come from these options. Bodies are read by StrictJson, which refuses a number sent as
        // a string; with the web defaults (numbers read from strings too) every number was documented as
        // ["integer","string"] with a pattern. NumberHandling changes only reading: nothing reads a body with these
        // options, and every answer is written as before.
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.NumberHandling = JsonNumberHandling.Strict);
        return services.AddOpenApi(o => o.AddDocumentTransformer<BearerSecurityTransformer>()
            .AddOperationTransformer<BearerSecurityTransformer>()
            .AddOperationTransformer<ApiResponsesTransformer>()
            .AddOperationTransformer<RequestHeadersTransformer>()
            .AddSchemaTransformer<ProblemSchemaTransformer>());
    }
}
