using FlashSale.Orders;

namespace FlashSale.Admin;

/// <summary>An order as the shop sees it: with the buyer and the key it was bought with.</summary>
public sealed record AdminOrderResponse(
    Guid OrderId,
    Guid SaleId,
    string UserId,
    string Username,
    int Quantity,
    decimal UnitPrice,
    decimal Total,
    string Currency,
    DateTimeOffset PurchasedAt,
    OrderStatus Status,
    string? IdempotencyKey,
    DateTimeOffset? CancelledAt,
    string? CancelledBy)
{
    public static AdminOrderResponse From(Order o) => new(o.Id, o.SaleId, o.UserId, o.Username, o.Quantity, o.UnitPrice,
        o.Total, o.Currency, o.PurchasedAt, o.Status, o.IdempotencyKey, o.CancelledAt, o.CancelledBy);
}

public sealed record AdminOrderPage(IReadOnlyList<AdminOrderResponse> Items, string? NextCursor);
