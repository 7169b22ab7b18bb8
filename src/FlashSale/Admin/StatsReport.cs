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
        // Units compare across currencies; revenue only within one (ties broken without it).
        var byUnits = sold.OrderByDescending(s => s.Units).ThenBy(s => s.Sale.Sku, StringComparer.Ordinal);
        var byRevenue = sold.GroupBy(s => s.Sale.Currency, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new CurrencyRankingResponse(g.Key, Rank(g.OrderByDescending(s => s.Revenue).ThenByDescending(s => s.Units)
                .ThenBy(s => s.Sale.Sku, StringComparer.Ordinal))))
            .ToList();
        var days = data.Days.ToLookup(d => d.Day);
        var revenueByDay = Enumerable.Range(0, Days).Select(i => firstDay.AddDays(i)).Select(day =>
        {
            var lines = days[day].ToList();
            return new DayRevenueResponse(day, PerCurrency(lines.Select(d => (d.Currency, d.Revenue))),
                lines.Sum(d => d.Units), lines.Sum(d => d.Orders));
        }).ToList();

        return new StatsResponse(
            now,
            new StatsTotalsResponse(PerCurrency(sold.Select(s => (s.Sale.Currency, s.Revenue))), data.Totals.Units, data.Totals.Orders,
                data.Totals.UniqueBuyers),
            new TopProductsResponse(Rank(byUnits), byRevenue),
            revenueByDay,
            data.Sales.Select(s => PerSale(s, now)).ToList());
    }

    /// <summary>One amount per currency, by ISO code: amounts are only ever added within a currency.</summary>
    private static List<CurrencyAmount> PerCurrency(IEnumerable<(string Currency, decimal Amount)> amounts) =>
        amounts.GroupBy(a => a.Currency, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new CurrencyAmount(g.Key, g.Sum(a => a.Amount))).ToList();

    private static List<ProductRankResponse> Rank(IEnumerable<SaleTotals> ordered) =>
        ordered.Take(TopProducts).Select((s, i) =>
            new ProductRankResponse(i + 1, s.Sale.Id, s.Sale.Sku, s.Sale.ProductName, s.Units, s.Revenue, s.Sale.Currency)).ToList();

    /// <summary>Sold / stock × 100 rounded <em>down</em> to two decimals: 100 only when every unit is sold.</summary>
    public static decimal SellThrough(int sold, int totalStock) =>
        totalStock <= 0 ? 0m : decimal.Floor(sold * 10_000m / totalStock) / 100m;

    public static SaleStatsResponse PerSale(SaleTotals s, DateTimeOffset now)
    {
        var sale = s.Sale;
        var remaining = sale.TotalStock - s.Units;
        // The first sell-out, shown while it is sold out now: after a cancel and a re-sale, still the first. A sale sold out
        // with no sell-out recorded (its units repaired by hand) shows its last purchase, as every sale did until 2026-12-07.
        var soldOutAt = remaining <= 0 ? s.SoldOutAt ?? s.LastPurchasedAt : null;
        var sellThrough = SellThrough(s.Units, sale.TotalStock);
        return new SaleStatsResponse(sale.Id, sale.Sku, sale.ProductName, sale.StatusAt(now, remaining), sale.TotalStock,
            s.Units, remaining, sellThrough, s.Revenue, s.Orders, sale.Currency, sale.StartsAt, soldOutAt,
            soldOutAt is { } at ? (at - sale.StartsAt).TotalSeconds : null);
    }
}
