using System.Reflection;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace FlashSale.Common;

/// <summary>
/// The problem schema as the API writes it (<see cref="ApiProblem"/>, <see cref="ProblemJsonWriter"/>): RFC 9457's members
/// and, always, a <c>reason</c> (one of <see cref="Reasons"/>) and a <c>traceId</c>; <c>errors</c> on
/// <c>validation_failed</c>, <c>rule</c> and <c>retryAfter</c> on a rate-limit rule's 429, <c>outcomeUnknown</c> on a
/// purchase's 503 that cannot tell whether it bought, <c>remaining</c> on its 409 <c>sold_out</c>, <c>held</c> and
/// <c>limit</c> on its 409 <c>limit_reached</c>, <c>unitPrice</c> and <c>currency</c> on its 409 <c>price_changed</c>,
/// <c>startsAt</c> / <c>endsAt</c> on a window's 409 (a purchase's or an admin's). Generated from <see cref="ProblemDetails"/>, it had none of them.
/// </summary>
internal sealed class ProblemSchemaTransformer : IOpenApiSchemaTransformer
{
    private static readonly string[] ReasonValues = typeof(Reasons).GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.IsLiteral && f.FieldType == typeof(string)).Select(f => (string)f.GetRawConstantValue()!).ToArray();

    public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        if (context.JsonTypeInfo.Type != typeof(ProblemDetails) || context.JsonPropertyInfo is not null)
        {
            return Task.CompletedTask;
        }

        schema.Description = "An error (application/problem+json, RFC 9457). Clients switch on `reason`, never on `title` or `detail`.";
        schema.Properties ??= new Dictionary<string, IOpenApiSchema>();
        schema.Properties["reason"] = new OpenApiSchema
        {
            Type = JsonSchemaType.String,
            Description = "Why: stable and machine-readable.",
            Enum = ReasonValues.Select(r => (JsonNode)JsonValue.Create(r)).ToList(),
        };
        schema.Properties["traceId"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "The request's trace id, for the logs." };
        schema.Properties["errors"] = new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Description = "`validation_failed`: what is wrong with each field.",
            AdditionalProperties = new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchema { Type = JsonSchemaType.String } },
        };
        schema.Properties["rule"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "429 from a rate-limit rule: its name." };
        schema.Properties["retryAfter"] = new OpenApiSchema
        {
            Type = JsonSchemaType.Integer,
            Format = "int32",
            Description = "429 from a rate-limit rule: seconds to wait, as in Retry-After.",
        };
        schema.Properties["outcomeUnknown"] = new OpenApiSchema
        {
            Type = JsonSchemaType.Boolean,
            Description = "A purchase's 503 that cannot tell whether it bought: retry with the same Idempotency-Key to learn the outcome.",
        };
        schema.Properties["remaining"] = Count("A purchase's 409 `sold_out`: units left in the sale (0 when sold out; fewer than asked for).");
        schema.Properties["held"] = Count("A purchase's 409 `limit_reached`: units the buyer already holds in this sale.");
        schema.Properties["limit"] = Count("A purchase's 409 `limit_reached`: the sale's limit of units per buyer.");
        schema.Properties["sold"] = Count("An admin's 409 `stock_below_sold`: the units sold or being sold, as low as the stock can go "
            + "(absent when the order record holds more confirmed units than the ledger counts).");
        schema.Properties["saleId"] = new OpenApiSchema
        {
            Type = JsonSchemaType.String,
            Format = "uuid",
            Description = "An admin's 409 `sku_taken`: the sale that has the SKU (a create retried after a lost answer finds its sale here).",
        };
        schema.Properties["unitPrice"] = new OpenApiSchema
        {
            Type = JsonSchemaType.Number,
            Description = "A purchase's 409 `price_changed`: the sale's price now, in `currency`.",
        };
        schema.Properties["currency"] = new OpenApiSchema
        {
            Type = JsonSchemaType.String,
            Description = "A purchase's 409 `price_changed`: the sale's currency now (ISO 4217).",
        };
        schema.Properties["startsAt"] = Instant(
            "A purchase's 409 `sale_not_started`, an admin's 409 `sale_not_upcoming`: the sale's start, as its `startsAt` is written.");
        schema.Properties["endsAt"] = Instant(
            "A 409 `sale_ended` (a purchase, or an admin's end of an ended sale): when the sale ended, as its `endsAt` is written.");
        schema.Required = new HashSet<string>(StringComparer.Ordinal) { "type", "title", "status", "reason", "traceId" };
        return Task.CompletedTask;
    }

    private static OpenApiSchema Instant(string description) =>
        new() { Type = JsonSchemaType.String, Format = "date-time", Description = description };

    private static OpenApiSchema Count(string description) =>
        new() { Type = JsonSchemaType.Integer, Format = "int32", Minimum = "0", Description = description };
}
