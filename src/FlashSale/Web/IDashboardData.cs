using FlashSale.Admin;
using FlashSale.Orders;
using FlashSale.Sales;

namespace FlashSale.Web;

/// <summary>What the admin dashboard shows, read from the admin stats (maintained aggregates) and the orders index.</summary>
public interface IDashboardData
{
    /// <summary>The figures, and a page of the sales table: newest start first, those before <paramref name="before"/>.</summary>
    Task<DashboardStats> GetStatsAsync(SalePosition? before, CancellationToken ct);

    /// <summary>One sale's row (live stock, status, orders), as the table has it; null when it does not exist.</summary>
    Task<SaleRow?> GetRowAsync(Guid saleId, CancellationToken ct);

    /// <summary>One sale in depth; null when it does not exist.</summary>
    Task<SaleInsight?> GetSaleAsync(Guid saleId, CancellationToken ct);
}

/// <summary><see cref="Sales"/> is a page of the table, <see cref="OlderCursor"/> the next one's (null on the last).</summary>
public sealed record DashboardStats(IReadOnlyList<SaleRow> Sales, string? OlderCursor, StatsResponse Report);

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
    IReadOnlyList<Order> RecentOrders);
