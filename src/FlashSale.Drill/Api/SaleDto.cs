using System.Text.Json.Serialization;

namespace FlashSale.Drill.Api;

internal sealed record SaleDto(
    [property: JsonConverter(typeof(FlexibleIdConverter))] string Id,
    string Sku,
    int TotalStock,
    int RemainingStock,
    int Sold,
    int PerUserLimit,
    DateTimeOffset StartsAt,
    DateTimeOffset EndsAt,
    string Status,
    DateTimeOffset? ServerTime);
