using System.Text.Json.Serialization;

namespace FlashSale.Drill.Api;

internal sealed record AdminOrderDto(
    [property: JsonConverter(typeof(FlexibleIdConverter))] string OrderId,
    [property: JsonConverter(typeof(FlexibleIdConverter))] string SaleId,
    [property: JsonConverter(typeof(FlexibleIdConverter))] string UserId,
    string? Username,
    int Quantity,
    string Status,
    string? IdempotencyKey,
    DateTimeOffset? PurchasedAt = null);
