using FlashSale.Admin;
using FlashSale.Orders;
using FlashSale.Sales;

namespace FlashSale.Web;

/// <summary>What the admin dashboard shows, read from the admin stats (maintained aggregates) and the orders index.</summary>
public interface IDashboardData
{
    Task<DashboardStats> GetStatsAsync(CancellationToken ct);

    /// <summary>One sale in depth; null when it does not exist.</summary>
    Task<SaleInsight?> GetSaleAsync(Guid saleId, CancellationToken ct);
}

/// <summary><see cref="Revenue"/> per currency (the report's totals add currencies together).</summary>
public sealed record DashboardStats(IReadOnlyList<SaleRow> Sales, IReadOnlyList<CurrencyAmount> Revenue, StatsResponse Report);

/// <summary>A sale with its live stock (the ledger's) and its confirmed orders (the record's).</summary>
public sealed record SaleRow(Sale Sale, StockLevel Stock, SaleStatus Status, int Orders);

public sealed record CurrencyAmount(string Currency, decimal Amount);

public sealed record SaleInsight(
    SaleRow Row,
    SaleStatsResponse Stats,
    IReadOnlyList<SellPoint> SellOutCurve,
    IReadOnlyList<LeaderboardEntry> Leaderboard,
    IReadOnlyList<Order> RecentOrders);
