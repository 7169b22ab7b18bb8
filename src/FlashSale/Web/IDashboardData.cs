using FlashSale.Orders;
using FlashSale.Sales;

namespace FlashSale.Web;

/// <summary>
/// What the admin dashboard shows, behind a seam: implemented now by <see cref="StoreDashboardData"/>
/// over the record store; meant to be served by the admin stats services once they exist.
/// </summary>
public interface IDashboardData
{
    Task<DashboardStats> GetStatsAsync(CancellationToken ct);

    /// <summary>One sale in depth; null when it does not exist.</summary>
    Task<SaleInsight?> GetSaleAsync(Guid saleId, CancellationToken ct);
}

public sealed record DashboardStats(
    IReadOnlyList<SaleRow> Sales,
    IReadOnlyList<CurrencyAmount> Revenue,
    int Units,
    int Orders,
    int Buyers,
    IReadOnlyList<DayRevenue> RevenueByDay,
    IReadOnlyList<ProductSales> TopProducts);

public sealed record SaleRow(Sale Sale, StockLevel Stock, SaleStatus Status, int Orders);

public sealed record CurrencyAmount(string Currency, decimal Amount);

public sealed record DayRevenue(DateOnly Day, decimal Revenue, int Units);

public sealed record ProductSales(Guid SaleId, string ProductName, int Units, decimal Revenue, string Currency);

public sealed record SaleInsight(
    SaleRow Row,
    decimal Revenue,
    int Buyers,
    IReadOnlyList<SellPoint> SellOutCurve,
    IReadOnlyList<LeaderboardEntry> Leaderboard,
    IReadOnlyList<Order> RecentOrders);

/// <summary>Units sold by <see cref="At"/>, cumulative.</summary>
public sealed record SellPoint(DateTimeOffset At, int UnitsSold);

public sealed record LeaderboardEntry(int Rank, string Buyer, int Quantity, DateTimeOffset At);
