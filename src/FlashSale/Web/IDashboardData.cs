using FlashSale.Admin;
using FlashSale.Orders;
using FlashSale.Sales;

namespace FlashSale.Web;

/// <summary>What the admin dashboard shows, read from the admin stats (maintained aggregates) and the orders index.</summary>
public interface IDashboardData
{
    /// <summary>The figures, and the page of the sales table <paramref name="query"/> asks for (<see cref="DashboardPosition"/>'s order).</summary>
    Task<DashboardStats> GetStatsAsync(DashboardQuery query, CancellationToken ct);

    /// <summary>One sale's row (live stock, status, orders), as the table has it; null when it does not exist.</summary>
    Task<SaleRow?> GetRowAsync(Guid saleId, CancellationToken ct);

    /// <summary>
    /// One sale in depth, with a page of its orders, newest first: the first, or the one after
    /// <paramref name="ordersCursor"/> (a store's cursor); null when the sale does not exist.
    /// </summary>
    Task<SaleInsight?> GetSaleAsync(Guid saleId, string? ordersCursor, CancellationToken ct);
}

/// <summary><see cref="Sales"/> is a page of the table, <see cref="Pages"/> the way to the others.</summary>
public sealed record DashboardStats(IReadOnlyList<SaleRow> Sales, DashboardPages Pages, StatsResponse Report);

/// <summary>
/// The pages around a page of the table: a previous one (<see cref="PreviousBefore"/> its position, null when it is the
/// first page), the next one's position (null on the last), and how many sales each filter lists with the same search.
/// </summary>
public sealed record DashboardPages(bool HasPrevious, DashboardPosition? PreviousBefore, DashboardPosition? NextAfter,
    IReadOnlyDictionary<DashboardFilter, int> Counts);

/// <summary>
/// A sale with its live stock (the ledger's) and its confirmed orders (the record's); <see cref="HasOrders"/>: any order
/// at all, cancelled ones too, which is what a delete is refused on.
/// </summary>
public sealed record SaleRow(Sale Sale, StockLevel Stock, SaleStatus Status, int Orders, bool HasOrders)
{
    /// <summary>What the admin API's end allows: refused once the sale has ended (sold out can still be ended).</summary>
    public bool CanEnd => Status != SaleStatus.Ended;

    /// <summary>What the admin API's delete allows: no order at all, confirmed or cancelled.</summary>
    public bool CanDelete => !HasOrders;
}

public sealed record SaleInsight(
    SaleRow Row,
    SaleStatsResponse Stats,
    IReadOnlyList<SellPoint> SellOutCurve,
    IReadOnlyList<LeaderboardEntry> Leaderboard,
    IReadOnlyList<Order> RecentOrders,
    string? OrdersCursor = null,
    string? OlderOrdersCursor = null)
{
    /// <summary>The first page of the orders, the newest: the one the page and its reads start on.</summary>
    public bool IsNewestOrders => OrdersCursor is null;
}
