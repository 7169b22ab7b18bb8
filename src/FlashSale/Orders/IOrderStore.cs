namespace FlashSale.Orders;

/// <summary>Reads of the system of record's orders. Writes go through the purchase ledger only.</summary>
public interface IOrderStore
{
    /// <summary>
    /// A page of the buyer's orders, newest first, after the order <paramref name="after"/> (the last of the previous
    /// page: an id the buyer already has, so the cursor tells nothing new). Null when <paramref name="after"/> is not
    /// one of the buyer's orders.
    /// </summary>
    Task<OrderPage?> ListByUserAsync(string userId, int limit, Guid? after, CancellationToken ct);

    Task<IReadOnlyList<Order>> ListByUserAndSaleAsync(string userId, Guid saleId, CancellationToken ct);

    Task<Order?> FindAsync(Guid orderId, CancellationToken ct);

    /// <summary>A page of a sale's orders in purchase order (ascending) or newest first.</summary>
    Task<OrderPage> ListBySaleAsync(Guid saleId, OrderPageRequest request, CancellationToken ct);

    /// <summary>
    /// Every order of a sale (any status), in purchase order or newest first, read lazily: the
    /// implementation holds one cursor (a reader or a server-side cursor) and yields row by row, never
    /// loading the whole sale into memory. For the CSV export.
    /// </summary>
    IAsyncEnumerable<Order> StreamBySaleAsync(Guid saleId, bool newestFirst, CancellationToken ct);

    /// <summary>
    /// The first <paramref name="limit"/> <em>confirmed</em> orders of a sale in purchase order (the public
    /// leaderboard). Must be an index range scan on (sale, purchase order), not a sort of the sale's orders.
    /// </summary>
    Task<IReadOnlyList<Order>> FirstConfirmedAsync(Guid saleId, int limit, CancellationToken ct);
}

public sealed record OrderPageRequest(int Limit, string? Cursor, bool NewestFirst);

public sealed record OrderPage(IReadOnlyList<Order> Items, string? NextCursor);
