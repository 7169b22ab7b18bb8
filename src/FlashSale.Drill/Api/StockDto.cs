using System.Text.Json.Serialization;

namespace FlashSale.Drill.Api;

internal sealed record StockDto(
    [property: JsonConverter(typeof(FlexibleIdConverter))] string SaleId,
    int TotalStock,
    int RemainingStock,
    int Sold,
    string Status,
    DateTimeOffset? ServerTime);
