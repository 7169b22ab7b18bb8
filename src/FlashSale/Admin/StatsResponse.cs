using FlashSale.Sales;

namespace FlashSale.Admin;

/// <summary>The shop's numbers in one answer. Confirmed orders only; days are UTC days of the server clock.</summary>
public sealed record StatsResponse(
    DateTimeOffset ServerTime,
    StatsTotalsResponse Totals,
    TopProductsResponse TopProducts,
    IReadOnlyList<DayRevenueResponse> RevenueByDay,
    IReadOnlyList<SaleStatsResponse> Sales);

/// <summary>
/// <c>revenue</c>: one amount per currency with confirmed orders, by ISO code (empty without orders); units, orders
/// and buyers count every currency.
/// </summary>
public sealed record StatsTotalsResponse(IReadOnlyList<CurrencyAmount> Revenue, long Units, long Orders, long UniqueBuyers);

/// <summary>
/// <c>byUnits</c>: the most units of any currency; <c>byRevenue</c>: one ranking per currency (by ISO code), since
/// amounts in two currencies do not compare.
/// </summary>
public sealed record TopProductsResponse(IReadOnlyList<ProductRankResponse> ByUnits, IReadOnlyList<CurrencyRankingResponse> ByRevenue);

/// <summary>The sales in one currency with the most revenue, ranked from 1.</summary>
public sealed record CurrencyRankingResponse(string Currency, IReadOnlyList<ProductRankResponse> Products);

public sealed record ProductRankResponse(int Rank, Guid SaleId, string Sku, string ProductName, int Units, decimal Revenue, string Currency);

/// <summary>One UTC day: <c>revenue</c> per currency with orders that day, by ISO code (empty without orders).</summary>
public sealed record DayRevenueResponse(DateOnly Date, IReadOnlyList<CurrencyAmount> Revenue, long Units, long Orders);

/// <summary>An amount in one currency (ISO 4217 code): amounts in different currencies are never added together.</summary>
public sealed record CurrencyAmount(string Currency, decimal Amount);

/// <summary>
/// One sale from the record: <c>sellThroughPercent</c> = sold / stock × 100, rounded down to two decimals (100 only when sold out);
/// <c>soldOutAt</c>, the first moment its sold units reached its stock, and <c>timeToSellOutSeconds</c> (from <c>startsAt</c>)
/// are null unless it is sold out now. After a cancel and a re-sale they stay the first sell-out (until 2026-12-07 the last
/// confirmed purchase: the re-sale's).
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
