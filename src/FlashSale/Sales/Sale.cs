namespace FlashSale.Sales;

/// <summary>A sale as stored: a product offered in a limited quantity during a window.</summary>
public sealed record Sale
{
    public required Guid Id { get; init; }
    public required string Sku { get; init; }
    public required string ProductName { get; init; }
    public string Description { get; init; } = "";
    public required decimal Price { get; init; }
    public string Currency { get; init; } = "USD";
    public string? ImageUrl { get; init; }
    public required int TotalStock { get; init; }
    public int PerUserLimit { get; init; } = 1;
    public required DateTimeOffset StartsAt { get; init; }
    public required DateTimeOffset EndsAt { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>G6: a purchase is confirmed only inside [StartsAt, EndsAt).</summary>
    public bool IsOpenAt(DateTimeOffset now) => now >= StartsAt && now < EndsAt;

    public SaleStatus StatusAt(DateTimeOffset now, int remainingStock) =>
        now < StartsAt ? SaleStatus.Upcoming
        : now >= EndsAt ? SaleStatus.Ended
        : remainingStock <= 0 ? SaleStatus.SoldOut
        : SaleStatus.Active;
}
