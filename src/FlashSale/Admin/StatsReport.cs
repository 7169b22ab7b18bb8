namespace FlashSale.Admin;

/// <summary>The stats answer built from the maintained aggregates, for the admin API and the dashboard alike.</summary>
public static class StatsReport
{
    public const int TopProducts = 5;
    public const int Days = 7;

    /// <summary>The aggregates for the last <see cref="Days"/> UTC days up to <paramref name="now"/>, and the answer built from them.</summary>
    public static async Task<(StatsData Data, StatsResponse Report)> ReadAsync(IStatsStore stats, DateTimeOffset now, CancellationToken ct)
    {
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var first = today.AddDays(-(Days - 1));
        var data = await stats.GetAsync(first, today, ct);
        return (data, Build(data, first, now));
    }

    public static StatsResponse Build(StatsData data, DateOnly firstDay, DateTimeOffset now)
    {
        var sold = data.Sales.Where(s => s.Units > 0).ToList();
        var byUnits = sold.OrderByDescending(s => s.Units).ThenByDescending(s => s.Revenue).ThenBy(s => s.Sale.Sku, StringComparer.Ordinal);
        var byRevenue = sold.OrderByDescending(s => s.Revenue).ThenByDescending(s => s.Units).ThenBy(s => s.Sale.Sku, StringComparer.Ordinal);
        var days = data.Days.ToDictionary(d => d.Day);
        var revenueByDay = Enumerable.Range(0, Days).Select(i => firstDay.AddDays(i)).Select(day =>
            days.TryGetValue(day, out var d)
                ? new DayRevenueResponse(day, d.Revenue, d.Units, d.Orders)
                : new DayRevenueResponse(day, 0m, 0, 0)).ToList();

        return new StatsResponse(
            now,
            new StatsTotalsResponse(data.Totals.Revenue, data.Totals.Units, data.Totals.Orders, data.Totals.UniqueBuyers),
            new TopProductsResponse(Rank(byUnits), Rank(byRevenue)),
            revenueByDay,
            data.Sales.Select(s => PerSale(s, now)).ToList());
    }

    private static List<ProductRankResponse> Rank(IEnumerable<SaleTotals> ordered) =>
        ordered.Take(TopProducts).Select((s, i) =>
            new ProductRankResponse(i + 1, s.Sale.Id, s.Sale.Sku, s.Sale.ProductName, s.Units, s.Revenue, s.Sale.Currency)).ToList();

    public static SaleStatsResponse PerSale(SaleTotals s, DateTimeOffset now)
    {
        var sale = s.Sale;
        var remaining = sale.TotalStock - s.Units;
        var soldOutAt = remaining <= 0 ? s.LastPurchasedAt : null;
        var sellThrough = sale.TotalStock == 0 ? 0m : decimal.Round(s.Units * 100m / sale.TotalStock, 2);
        return new SaleStatsResponse(sale.Id, sale.Sku, sale.ProductName, sale.StatusAt(now, remaining), sale.TotalStock,
            s.Units, remaining, sellThrough, s.Revenue, s.Orders, sale.Currency, sale.StartsAt, soldOutAt,
            soldOutAt is { } at ? (at - sale.StartsAt).TotalSeconds : null);
    }
}
