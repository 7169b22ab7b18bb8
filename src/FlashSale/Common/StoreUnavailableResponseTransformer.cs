using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace FlashSale.Common;

/// <summary>
/// Every API operation can answer 503 `unavailable` when a store it needs is down
/// (<see cref="Storage.StoreUnavailableExceptionHandler"/>, the rate limiter failing closed): the document says so
/// for each one, not only where an endpoint declares a 503 of its own.
/// </summary>
internal sealed class StoreUnavailableResponseTransformer : IOpenApiOperationTransformer
{
    public async Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        if (context.Description.RelativePath?.StartsWith("api/", StringComparison.Ordinal) != true)
        {
            return;
        }

        operation.Responses ??= [];
        if (operation.Responses.ContainsKey("503"))
        {
            return;
        }

        var problem = await context.GetOrCreateSchemaAsync(typeof(ProblemDetails), null, cancellationToken);
        operation.Responses["503"] = new OpenApiResponse
        {
            Description = "A store this request needs is unavailable (reason `unavailable`, with Retry-After); nothing was changed.",
            Content = new Dictionary<string, OpenApiMediaType> { ["application/problem+json"] = new() { Schema = problem } },
        };
    }
}
