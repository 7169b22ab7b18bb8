using FlashSale.Admin;
using FlashSale.Orders;
using FlashSale.Purchasing;
using FlashSale.Sales;

namespace FlashSale.Web;

/// <summary>
/// The dashboard over the admin services: figures from <see cref="IStatsStore"/>'s aggregates (O(sales + days)),
/// live stock from the ledger (in memory), a sale's curve, leaderboard and latest orders from index reads.
/// No view reads every order, however many there are.
/// </summary>
public sealed class DashboardData(IStatsStore stats, IOrderStore orders, IPurchaseLedger ledger, TimeProvider clock)
    : IDashboardData
{
    public const int CurvePoints = 200;
    public const int LeaderboardSize = 10;
    public const int RecentOrders = 50;

    public const int SalesPerPage = 50;

    public async Task<DashboardStats> GetStatsAsync(DashboardQuery query, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var (data, report) = await StatsReport.ReadAsync(stats, now, ct);
        // The filter, the search and the order are worked out in memory over the sales the aggregates already hold
        // (O(sales), as the figures are): no query of the store per filter, and the clock alone places a sale.
        var matched = data.Sales.Where(s => query.Matches(s.Sale)).Select(s => (Totals: s, Position: DashboardPosition.Of(s.Sale, now)))
            .ToList();
        var counts = Enum.GetValues<DashboardFilter>().ToDictionary(f => f, f => matched.Count(m => m.Position.In(f)));
        var listed = matched.Where(m => m.Position.In(query.Filter)).OrderBy(m => m.Position).ToList();
        var start = query.After is { } after ? listed.Count(m => m.Position.CompareTo(after) <= 0)
            : query.Before is { } before ? Math.Max(0, listed.Count(m => m.Position.CompareTo(before) < 0) - SalesPerPage)
            : 0;
        if (start >= listed.Count && start > 0)
        {
            // A cursor at or past the last sale (the sales after it ended, or were deleted, since its page was drawn): the
            // last page, not an empty one (whose "previous" link read past the list: a 500).
            start = Math.Max(0, listed.Count - SalesPerPage);
        }

        var shown = listed.Skip(start).Take(SalesPerPage).ToList();
        // A page of the table, its stock read in one batch: a row per sale ever, each with its own stock read (a Redis
        // round trip in distributed mode), made the dashboard slower with every sale the shop ran.
        var stocks = await ledger.GetStocksAsync(shown.ConvertAll(s => s.Totals.Sale), ct);
        var rows = new List<SaleRow>(shown.Count);
        for (var i = 0; i < shown.Count; i++)
        {
            rows.Add(await RowAsync(shown[i].Totals, stocks[i], now, ct));
        }

        // The previous page ends where this one starts; within a page of the start it is the first page itself.
        var pages = new DashboardPages(
            HasPrevious: start > 0,
            PreviousBefore: start > SalesPerPage ? listed[start].Position : null,
            NextAfter: start + shown.Count < listed.Count ? shown[^1].Position : null,
            counts);
        return new DashboardStats(rows, pages, report);
    }

    public async Task<SaleRow?> GetRowAsync(Guid saleId, CancellationToken ct) =>
        await stats.GetSaleAsync(saleId, ct) is { } totals ? await RowAsync(totals, clock.GetUtcNow(), ct) : null;

    public async Task<SaleInsight?> GetSaleAsync(Guid saleId, string? ordersCursor, CancellationToken ct)
    {
        var totals = await stats.GetSaleAsync(saleId, ct);
        if (totals is null)
        {
            return null;
        }

        var now = clock.GetUtcNow();
        var curve = new List<SellPoint> { new(totals.Sale.StartsAt, 0) };
        curve.AddRange(await stats.GetSellCurveAsync(saleId, CurvePoints, ct));
        var leaderboard = await LeaderboardApi.ReadAsync(orders, saleId, LeaderboardSize, ct);
        // A page of the sale's orders, newest first: the first, or the one after a cursor the page gave (the store's
        // keyset position, as the admin API's orders pages: O(page) at any depth).
        var recent = await orders.ListBySaleAsync(saleId, new OrderPageRequest(RecentOrders, ordersCursor, NewestFirst: true), ct);
        return new SaleInsight(await RowAsync(totals, now, ct), StatsReport.PerSale(totals, now), curve, leaderboard, recent.Items,
            ordersCursor, recent.NextCursor);
    }

    private async Task<SaleRow> RowAsync(SaleTotals totals, DateTimeOffset now, CancellationToken ct) =>
        await RowAsync(totals, await ledger.GetStockAsync(totals.Sale, ct), now, ct);

    private async Task<SaleRow> RowAsync(SaleTotals totals, StockLevel stock, DateTimeOffset now, CancellationToken ct) =>
        new(totals.Sale, stock, totals.Sale.StatusAt(now, stock.Remaining), totals.Orders,
            totals.Orders > 0 || await HasAnyOrderAsync(totals.Sale.Id, ct));

    /// <summary>
    /// Whether a sale without confirmed orders has cancelled ones, which the delete refuses on as well (orders keep their
    /// history). One index seek, and only for the sales the aggregates count no confirmed order for.
    /// </summary>
    private async Task<bool> HasAnyOrderAsync(Guid saleId, CancellationToken ct) =>
        (await orders.ListBySaleAsync(saleId, new OrderPageRequest(1, null, NewestFirst: false), ct)).Items.Count > 0;
}
