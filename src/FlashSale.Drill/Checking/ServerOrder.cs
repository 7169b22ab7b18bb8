namespace FlashSale.Drill.Checking;

/// <summary>An order as the system of record lists it.</summary>
internal sealed record ServerOrder(string OrderId, string SaleId, string UserId, int Quantity, string Status, string? IdempotencyKey)
{
    public const string Confirmed = "confirmed";
    public const string Pending = "pending";
    public const string Cancelled = "cancelled";

    /// <summary>When the server says it was bought (its clock); null when the listing did not say.</summary>
    public DateTimeOffset? PurchasedAt { get; init; }

    public bool IsConfirmed => string.Equals(Status, Confirmed, StringComparison.OrdinalIgnoreCase);

    public bool IsCancelled => string.Equals(Status, Cancelled, StringComparison.OrdinalIgnoreCase);
}
