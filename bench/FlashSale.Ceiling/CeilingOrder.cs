namespace FlashSale.Ceiling;

/// <summary>Same fields, names and value sizes as FlashSale's OrderResponse, so the answer has the same size.</summary>
public sealed record CeilingOrder(
    Guid OrderId,
    Guid SaleId,
    string UserId,
    int Quantity,
    decimal UnitPrice,
    decimal Total,
    string Currency,
    DateTimeOffset PurchasedAt,
    long RemainingStock,
    string Status)
{
    public const string Location = "/api/v1/me/orders/3f2c8a51-6b0e-4d8e-9a43-0d1f5e7c2b19";

    private static readonly string User = Guid.NewGuid().ToString("D");

    public static CeilingOrder Sample(Guid saleId, int quantity, long remaining)
    {
        var now = DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        return new(FlashSale.Orders.OrderIds.New(now), saleId, User, quantity, 19.99m, 19.99m * quantity, "USD", now, remaining, "confirmed");
    }
}
