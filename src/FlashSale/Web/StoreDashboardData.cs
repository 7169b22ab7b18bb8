using FlashSale.Orders;
using FlashSale.Purchasing;
using FlashSale.Sales;

namespace FlashSale.Web;

/// <summary>
/// Dashboard figures by paging through every sale's orders: fine for a shop's first sales, and
/// to be replaced by the admin stats queries (sums in the record store) at merge.
/// </summary>
public sealed class StoreDashboardData(ISaleStore sales, IOrderStore orders, IPurchaseLedger ledger, TimeProvider clock)
    : IDashboardData
{
    private const int PageSize = 1000;

    public async Task<DashboardStats> GetStatsAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var rows = new List<SaleRow>();
        var revenue = new Dictionary<string, decimal>(StringComparer.Ordinal);
        var byDay = new SortedDictionary<DateOnly, (decimal Revenue, int Units)>();
        var products = new List<ProductSales>();
        var buyers = new HashSet<string>(StringComparer.Ordinal);
        int units = 0, count = 0;
        foreach (var sale in (await sales.ListAsync(ct)).OrderByDescending(s => s.StartsAt))
        {
            var confirmed = await ConfirmedAsync(sale.Id, ct);
            var stock = await ledger.GetStockAsync(sale, ct);
            rows.Add(new SaleRow(sale, stock, sale.StatusAt(now, stock.Remaining), confirmed.Count));
            foreach (var order in confirmed)
            {
                revenue[order.Currency] = revenue.GetValueOrDefault(order.Currency) + order.Total;
                var day = DateOnly.FromDateTime(order.PurchasedAt.UtcDateTime);
                var (r, u) = byDay.GetValueOrDefault(day);
                byDay[day] = (r + order.Total, u + order.Quantity);
                buyers.Add(order.UserId);
                units += order.Quantity;
            }

            count += confirmed.Count;
            products.Add(new ProductSales(sale.Id, sale.ProductName, confirmed.Sum(o => o.Quantity), confirmed.Sum(o => o.Total),
                sale.Currency));
        }

        return new DashboardStats(rows, revenue.Select(p => new CurrencyAmount(p.Key, p.Value)).ToList(), units, count,
            buyers.Count, byDay.Select(p => new DayRevenue(p.Key, p.Value.Revenue, p.Value.Units)).ToList(),
            products.Where(p => p.Units > 0).OrderByDescending(p => p.Revenue).Take(5).ToList());
    }

    public async Task<SaleInsight?> GetSaleAsync(Guid saleId, CancellationToken ct)
    {
        var sale = await sales.FindAsync(saleId, ct);
        if (sale is null)
        {
            return null;
        }

        var confirmed = await ConfirmedAsync(sale.Id, ct);
        var stock = await ledger.GetStockAsync(sale, ct);
        var row = new SaleRow(sale, stock, sale.StatusAt(clock.GetUtcNow(), stock.Remaining), confirmed.Count);
        var curve = new List<SellPoint>(confirmed.Count + 1) { new(sale.StartsAt, 0) };
        var sold = 0;
        foreach (var order in confirmed)
        {
            sold += order.Quantity;
            curve.Add(new SellPoint(order.PurchasedAt, sold));
        }

        var leaderboard = confirmed.Take(10)
            .Select((o, i) => new LeaderboardEntry(i + 1, Format.Mask(o.Username), o.Quantity, o.PurchasedAt)).ToList();
        var recent = (await orders.ListBySaleAsync(sale.Id, new OrderPageRequest(50, null, NewestFirst: true), ct)).Items;
        return new SaleInsight(row, confirmed.Sum(o => o.Total), confirmed.Select(o => o.UserId).Distinct().Count(), curve,
            leaderboard, recent);
    }

    /// <summary>A sale's confirmed orders in purchase order.</summary>
    private async Task<List<Order>> ConfirmedAsync(Guid saleId, CancellationToken ct)
    {
        var all = new List<Order>();
        string? cursor = null;
        do
        {
            var page = await orders.ListBySaleAsync(saleId, new OrderPageRequest(PageSize, cursor, NewestFirst: false), ct);
            all.AddRange(page.Items.Where(o => o.Status == OrderStatus.Confirmed));
            cursor = page.NextCursor;
        }
        while (cursor is not null);
        return all;
    }
}
