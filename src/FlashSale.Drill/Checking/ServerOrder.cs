namespace FlashSale.Drill.Checking;

/// <summary>An order as the system of record lists it.</summary>
internal sealed record ServerOrder(string OrderId, string SaleId, string UserId, int Quantity, string Status, string? IdempotencyKey)
{
    public const string Confirmed = "confirmed";
    public const string Pending = "pending";

    public bool IsConfirmed => string.Equals(Status, Confirmed, StringComparison.OrdinalIgnoreCase);
}
