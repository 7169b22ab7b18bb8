namespace FlashSale.Orders;

public sealed record OrderResponse(
    Guid OrderId,
    Guid SaleId,
    string UserId,
    int Quantity,
    decimal UnitPrice,
    decimal Total,
    string Currency,
    DateTimeOffset PurchasedAt,
    int RemainingStock,
    OrderStatus Status)
{
    public static OrderResponse From(Order order) => new(order.Id, order.SaleId, order.UserId, order.Quantity,
        order.UnitPrice, order.Total, order.Currency, order.PurchasedAt, order.RemainingAfter, order.Status);
}

/// <summary>A page of the caller's orders; <c>nextCursor</c> is null on the last page.</summary>
public sealed record OrderListResponse(IReadOnlyList<OrderResponse> Items, string? NextCursor);

public sealed record MySalePurchasesResponse(Guid SaleId, int Quantity, int PerUserLimit, IReadOnlyList<OrderResponse> Orders);
