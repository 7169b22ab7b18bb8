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

    public async Task<DashboardStats> GetStatsAsync(SalePosition? before, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var (data, report) = await StatsReport.ReadAsync(stats, now, ct);
        // A page of the table, its stock read in one batch: a row per sale ever, each with its own stock read (a Redis
        // round trip in distributed mode), made the dashboard slower with every sale the shop ran.
        var page = data.Sales.Where(s => before is null || SalePosition.Of(s.Sale).CompareTo(before.Value) < 0)
            .OrderByDescending(s => SalePosition.Of(s.Sale)).Take(SalesPerPage + 1).ToList();
        var shown = page.Take(SalesPerPage).ToList();
        var stocks = await ledger.GetStocksAsync(shown.ConvertAll(s => s.Sale), ct);
        var rows = new List<SaleRow>(shown.Count);
        for (var i = 0; i < shown.Count; i++)
        {
            rows.Add(await RowAsync(shown[i], stocks[i], now, ct));
        }

        var older = page.Count > SalesPerPage ? SalePosition.Of(shown[^1].Sale).ToCursor() : null;
        return new DashboardStats(rows, older, report);
    }

    public async Task<SaleRow?> GetRowAsync(Guid saleId, CancellationToken ct) =>
        await stats.GetSaleAsync(saleId, ct) is { } totals ? await RowAsync(totals, clock.GetUtcNow(), ct) : null;

    public async Task<SaleInsight?> GetSaleAsync(Guid saleId, CancellationToken ct)
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
        var recent = await orders.ListBySaleAsync(saleId, new OrderPageRequest(RecentOrders, null, NewestFirst: true), ct);
        return new SaleInsight(await RowAsync(totals, now, ct), StatsReport.PerSale(totals, now), curve, leaderboard, recent.Items);
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
