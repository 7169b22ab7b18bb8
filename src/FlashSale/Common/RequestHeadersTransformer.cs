using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace FlashSale.Common;

/// <summary>
/// The optional request headers an endpoint reads by hand (<see cref="ApiDocs.ReadsHeader{TBuilder}"/>: the purchase's
/// Idempotency-Key, the live feed's Last-Event-ID) as header parameters: read from the request, not bound, the
/// document had no trace of them.
/// </summary>
internal sealed class RequestHeadersTransformer : IOpenApiOperationTransformer
{
    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        foreach (var header in context.Description.ActionDescriptor.EndpointMetadata.OfType<RequestHeaderMetadata>())
        {
            operation.Parameters ??= [];
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = header.Name,
                In = ParameterLocation.Header,
                Required = false,
                Description = header.Description,
                Schema = new OpenApiSchema
                {
                    Type = JsonSchemaType.String,
                    Pattern = header.Pattern,
                    MinLength = header.MaxLength is null ? null : 1,
                    MaxLength = header.MaxLength,
                },
            });
        }

        return Task.CompletedTask;
    }
}
