using FlashSale.Sales;

namespace FlashSale.Admin;

/// <summary>The shop's numbers in one answer. Confirmed orders only; days are UTC days of the server clock.</summary>
public sealed record StatsResponse(
    DateTimeOffset ServerTime,
    StatsTotalsResponse Totals,
    TopProductsResponse TopProducts,
    IReadOnlyList<DayRevenueResponse> RevenueByDay,
    IReadOnlyList<SaleStatsResponse> Sales);

public sealed record StatsTotalsResponse(decimal Revenue, long Units, long Orders, long UniqueBuyers);

public sealed record TopProductsResponse(IReadOnlyList<ProductRankResponse> ByUnits, IReadOnlyList<ProductRankResponse> ByRevenue);

public sealed record ProductRankResponse(int Rank, Guid SaleId, string Sku, string ProductName, int Units, decimal Revenue, string Currency);

public sealed record DayRevenueResponse(DateOnly Date, decimal Revenue, long Units, long Orders);

/// <summary>
/// One sale from the record: <c>sellThroughPercent</c> = sold / stock × 100 (two decimals);
/// <c>soldOutAt</c> and <c>timeToSellOutSeconds</c> (from <c>startsAt</c>) are null unless it is sold out now.
/// </summary>
public sealed record SaleStatsResponse(
    Guid SaleId,
    string Sku,
    string ProductName,
    SaleStatus Status,
    int TotalStock,
    int Sold,
    int Remaining,
    decimal SellThroughPercent,
    decimal Revenue,
    int Orders,
    string Currency,
    DateTimeOffset StartsAt,
    DateTimeOffset? SoldOutAt,
    double? TimeToSellOutSeconds);
