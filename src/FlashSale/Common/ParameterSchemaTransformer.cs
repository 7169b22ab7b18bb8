using System.Reflection;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc.Infrastructure;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace FlashSale.Common;

/// <summary>
/// A query parameter read as text (so a bad value is a 400 naming it, not the binder's) documented as the number or word
/// it must be: <c>limit</c> an integer with its range and default (<see cref="WholeNumberAttribute"/>), <c>status</c> and
/// <c>order</c> their words (<see cref="OneOfAttribute"/>). Ids in paths are UUIDs. Until 2026-12-07 every one
/// was a bare string, so a generated client typed <c>limit</c> as text and checked nothing before sending (an audit).
/// </summary>
internal sealed class ParameterSchemaTransformer : IOpenApiOperationTransformer
{
    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        foreach (var parameter in operation.Parameters?.OfType<OpenApiParameter>() ?? [])
        {
            var info = context.Description.ParameterDescriptions
                .FirstOrDefault(d => string.Equals(d.Name, parameter.Name, StringComparison.OrdinalIgnoreCase))?.ParameterDescriptor
                is IParameterInfoParameterDescriptor { ParameterInfo: var p } ? p : null;
            if (info?.GetCustomAttribute<WholeNumberAttribute>() is { } number)
            {
                parameter.Schema = new OpenApiSchema
                {
                    Type = JsonSchemaType.Integer,
                    Format = "int32",
                    Minimum = number.Minimum.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    Maximum = number.Maximum.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    Default = JsonValue.Create(number.Default),
                };
            }
            else if (info?.GetCustomAttribute<OneOfAttribute>() is { } words)
            {
                parameter.Schema = new OpenApiSchema
                {
                    Type = JsonSchemaType.String,
                    Enum = [.. words.Values.Select(w => (JsonNode)JsonValue.Create(w))],
                };
            }
            else if (parameter.In is ParameterLocation.Path
                && (parameter.Name == "id" || parameter.Name?.EndsWith("Id", StringComparison.Ordinal) == true))
            {
                // Written in the D form (3f2504e0-4f89-41d3-9a0c-0305e82c3301); any other is answered as an unknown id. Not
                // the admin's ?userId=, which also takes an external provider's subject (ext:…).
                parameter.Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = "uuid" };
            }
        }

        return Task.CompletedTask;
    }
}

/// <summary>A text query parameter that must be a whole number from <see cref="Minimum"/> to <see cref="Maximum"/>.</summary>
[AttributeUsage(AttributeTargets.Parameter)]
public sealed class WholeNumberAttribute(int minimum, int maximum, int @default) : Attribute
{
    public int Minimum { get; } = minimum;

    public int Maximum { get; } = maximum;

    public int Default { get; } = @default;
}

/// <summary>A text query parameter that must be one of <see cref="Values"/>, given comma-separated ("asc,desc").</summary>
[AttributeUsage(AttributeTargets.Parameter)]
public sealed class OneOfAttribute(string values) : Attribute
{
    public IReadOnlyList<string> Values { get; } = values.Split(',');
}
