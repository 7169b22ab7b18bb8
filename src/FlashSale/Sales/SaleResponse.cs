namespace FlashSale.Sales;

public sealed record SaleResponse(
    Guid Id,
    string Sku,
    string ProductName,
    string Description,
    decimal Price,
    string Currency,
    string? ImageUrl,
    int TotalStock,
    int RemainingStock,
    int Sold,
    int PerUserLimit,
    DateTimeOffset StartsAt,
    DateTimeOffset EndsAt,
    SaleStatus Status,
    DateTimeOffset ServerTime)
{
    public static SaleResponse From(Sale sale, StockLevel stock, DateTimeOffset now) => new(
        sale.Id, sale.Sku, sale.ProductName, sale.Description, sale.Price, sale.Currency, sale.ImageUrl,
        sale.TotalStock, stock.Remaining, stock.Sold, sale.PerUserLimit, sale.StartsAt, sale.EndsAt,
        sale.StatusAt(now, stock.Remaining), now);
}

/// <summary>A page of sales; <c>nextCursor</c> is null on the last page.</summary>
public sealed record SaleListResponse(IReadOnlyList<SaleResponse> Items, string? NextCursor, DateTimeOffset ServerTime);

public sealed record StockResponse(Guid SaleId, int TotalStock, int RemainingStock, int Sold, SaleStatus Status,
    DateTimeOffset ServerTime);
