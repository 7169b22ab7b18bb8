namespace FlashSale.Orders;

/// <summary>Reads of the system of record's orders. Writes go through the purchase ledger only.</summary>
public interface IOrderStore
{
    Task<IReadOnlyList<Order>> ListByUserAsync(string userId, CancellationToken ct);

    Task<IReadOnlyList<Order>> ListByUserAndSaleAsync(string userId, Guid saleId, CancellationToken ct);

    Task<Order?> FindAsync(Guid orderId, CancellationToken ct);

    /// <summary>A page of a sale's orders in purchase order (ascending) or newest first.</summary>
    Task<OrderPage> ListBySaleAsync(Guid saleId, OrderPageRequest request, CancellationToken ct);
}

public sealed record OrderPageRequest(int Limit, string? Cursor, bool NewestFirst);

public sealed record OrderPage(IReadOnlyList<Order> Items, string? NextCursor);
