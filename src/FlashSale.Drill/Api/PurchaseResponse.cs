using System.Text.Json.Serialization;

namespace FlashSale.Drill.Api;

/// <summary>The body of a 201 (confirmed) or 202 (pending) purchase; only what the checker needs.</summary>
internal sealed record PurchaseResponse(
    [property: JsonConverter(typeof(FlexibleIdConverter))] string? OrderId,
    [property: JsonConverter(typeof(FlexibleIdConverter))] string? SaleId,
    [property: JsonConverter(typeof(FlexibleIdConverter))] string? UserId,
    int? Quantity,
    string? Status);
