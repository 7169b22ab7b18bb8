using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace FlashSale.Common;

/// <summary>
/// Declares the bearer scheme in the OpenAPI document so the reference UI can send tokens, and on each operation that
/// needs a token, that it does (the admin ones also say that the token must be an admin's). Without the requirement
/// the document said every operation was open.
/// </summary>
internal sealed class BearerSecurityTransformer : IOpenApiDocumentTransformer, IOpenApiOperationTransformer
{
    private const string Scheme = "Bearer";

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[Scheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            BearerFormat = "JWT",
            Description = "A token from POST /api/v1/auth/token.",
        };
        document.Info.Title = "FlashSale API";
        document.Info.Description = "Flash sales that never oversell. Errors are application/problem+json with a stable 'reason'.";
        return Task.CompletedTask;
    }

    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var access = ApiDocs.AccessOf(context.Description.ActionDescriptor.EndpointMetadata);
        if (access == EndpointAccess.Anonymous)
        {
            return Task.CompletedTask;
        }

        operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(Scheme, context.Document)] = [] }];
        if (access == EndpointAccess.Admin)
        {
            const string admin = "Needs a token with the admin role.";
            operation.Description = operation.Description is { Length: > 0 } described ? $"{described}\n\n{admin}" : admin;
        }

        return Task.CompletedTask;
    }
}
