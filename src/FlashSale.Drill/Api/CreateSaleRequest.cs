namespace FlashSale.Drill.Api;

internal sealed record CreateSaleRequest(
    string Sku,
    string ProductName,
    string Description,
    decimal Price,
    string Currency,
    string? ImageUrl,
    int TotalStock,
    int PerUserLimit,
    DateTimeOffset StartsAt,
    DateTimeOffset EndsAt);
