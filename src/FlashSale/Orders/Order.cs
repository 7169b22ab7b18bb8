namespace FlashSale.Orders;

/// <summary>A confirmed (or later cancelled) purchase as stored in the system of record.</summary>
public sealed record Order
{
    public required Guid Id { get; init; }
    public required Guid SaleId { get; init; }
    public required string UserId { get; init; }
    /// <summary>Kept with the order so the leaderboard and exports need no join with accounts.</summary>
    public required string Username { get; init; }
    public required int Quantity { get; init; }
    public required decimal UnitPrice { get; init; }
    public required string Currency { get; init; }
    public required DateTimeOffset PurchasedAt { get; init; }
    /// <summary>The sale's remaining stock right after this purchase: replays answer exactly as the first time.</summary>
    public required int RemainingAfter { get; init; }
    public string? IdempotencyKey { get; init; }
    public OrderStatus Status { get; init; } = OrderStatus.Confirmed;
    public DateTimeOffset? CancelledAt { get; init; }
    public string? CancelledBy { get; init; }

    public decimal Total => UnitPrice * Quantity;
}
