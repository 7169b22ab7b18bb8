using System.Globalization;
using FlashSale.Orders;
using static FlashSale.Web.Html;

namespace FlashSale.Web;

/// <summary>
/// The admin sale page's record parts, each an element marked <c>data-part</c>: revenue, orders, "sold out in", the time
/// of the read, the sale's terms, the chart and leaderboard, a page of the orders. The page draws them, and <c>GET /admin/sales/{id}/live</c>
/// draws them again from a fresh read for the script to take in (<see cref="AdminSaleLive"/>): one code for a reload and
/// an open page. The units, what is left and the sell-through are the ledger's and follow the live feed instead.
/// </summary>
public static class AdminSaleView
{
    /// <summary>
    /// The sale's terms, as the shop sells it: price, SKU, window (UTC, as the admin's other pages and the sale form),
    /// limit per buyer, stock, image and description. Until 2026-12-07 the page had its figures only, and checking what a
    /// launching sale was set to meant opening its edit form. A part of the record: an edit made elsewhere shows at the
    /// next read.
    /// </summary>
    public static Html Terms(SaleInsight insight, DateTimeOffset now)
    {
        var sale = insight.Row.Sale;
        var image = sale.ImageUrl is null ? H($"""<span class="muted">None (the shop shows a placeholder)</span>""")
            : H($"""<a href="{sale.ImageUrl}"><img class="terms-img" src="{sale.ImageUrl}" alt="The product's image" width="96" height="72"></a>""");
        var description = string.IsNullOrWhiteSpace(sale.Description) ? H($"""<span class="muted">None</span>""")
            : H($"""<span class="terms-description">{sale.Description}</span>""");
        return H($"""
            <section class="panel" aria-labelledby="terms-h" data-part="terms">
              <h2 id="terms-h">Terms</h2>
              <dl class="terms">
                <div><dt>Price</dt><dd data-term="price">{Format.Money(sale.Price, sale.Currency)}</dd></div>
                <div><dt>SKU</dt><dd class="mono" data-term="sku">{sale.Sku}</dd></div>
                <div><dt>Opens</dt><dd data-term="opens">{Format.LocalTime(sale.StartsAt)}</dd></div>
                <div><dt>Closes</dt><dd data-term="closes">{Format.LocalTime(sale.EndsAt)}</dd></div>
                <div><dt>Limit per buyer</dt><dd data-term="limit">{Format.Number(sale.PerUserLimit)}</dd></div>
                <div><dt>Stock</dt><dd data-term="stock">{Format.Number(sale.TotalStock)} {(sale.TotalStock == 1 ? "unit" : "units")}</dd></div>
                <div><dt>Image</dt><dd data-term="image">{image}</dd></div>
                <div class="wide"><dt>Description</dt><dd data-term="description">{description}</dd></div>
              </dl>
            </section>
            """);
    }

    public static Html Revenue(SaleInsight insight) => H($"""
        <dd data-kpi="revenue" data-part="revenue">{Format.Money(insight.Stats.Revenue, insight.Row.Sale.Currency)}</dd>
        """);

    public static Html Orders(SaleInsight insight) => H($"""
        <dd data-kpi="orders" data-part="orders">{Format.Number(insight.Stats.Orders)}</dd>
        """);

    /// <summary>The record's time to sell out, while the ledger has none left (a cancel puts units back: not "sold out" then).</summary>
    public static Html SoldOutIn(SaleInsight insight) =>
        insight.Stats.TimeToSellOutSeconds is { } seconds && insight.Row.Stock.Remaining <= 0
            ? H($"""<dd class="note" data-role="sold-out-in" data-part="sold-out-in">sold out in {Format.Duration(TimeSpan.FromSeconds(seconds))}</dd>""")
            : H($"""<dd class="note" data-role="sold-out-in" data-part="sold-out-in" hidden></dd>""");

    /// <summary>
    /// When the record was read, with the units it counted (<c>data-record-sold</c>): the script says the figures are
    /// behind while the feed's units differ (distributed mode records a batch behind the ledger; the next read is near).
    /// </summary>
    public static Html Recorded(SaleInsight insight, DateTimeOffset now) => H($"""
        <span data-part="recorded" data-record-sold="{insight.Stats.Sold}">{Format.LocalClock(now, "recorded")}</span>
        """);

    /// <summary>
    /// The sell-out curve and the leaderboard — the public one (<see cref="Sales.LeaderboardApi"/>), masked, said so: beside
    /// the orders table's full names it read as a mistake (until 2026-12-07).
    /// </summary>
    public static Html Panels(SaleInsight insight)
    {
        var leaders = insight.Leaderboard.Select(l => H($"""
            <li><span class="rank">{l.Rank}</span> {l.Buyer} <span class="muted small">× {l.Quantity} · <time datetime="{Format.Iso(l.PurchasedAt)}">{l.PurchasedAt.UtcDateTime.ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture)}</time></span></li>
            """)).ToList();
        return H($"""
            <div class="two" data-part="panels">
              <section class="panel" aria-labelledby="curve-h">
                <h2 id="curve-h">Units sold over time</h2>
                {Charts.Steps("sellout-chart", "Units sold over time", insight.SellOutCurve, insight.Row.Sale.TotalStock)}
              </section>
              <section class="panel" aria-labelledby="lead-h">
                <h2 id="lead-h">Leaderboard</h2>
                <p class="muted small">As buyers see it, names masked; the orders below name them.</p>
                {(leaders.Count == 0 ? H($"""<p class="empty">No buyers yet.</p>""") : H($"""<ol class="leaders">{leaders}</ol>"""))}
              </section>
            </div>
            """);
    }

    /// <summary>
    /// A page of the orders, newest first, each confirmed one with its cancel link, and the way to the older ones and back
    /// to the newest (the pager is in the part: a new order on the first page moves its link). Until 2026-12-07 the page
    /// showed the 50 newest and no more.
    /// </summary>
    public static Html LatestOrders(SaleInsight insight)
    {
        var orders = insight.RecentOrders;
        var saleId = insight.Row.Sale.Id;
        var newest = When(!insight.IsNewestOrders, H($"""<a href="/admin/sales/{saleId}#orders-h">← Newest orders</a>"""));
        var older = insight.OlderOrdersCursor is not { } cursor ? Empty
            : H($"""<a href="/admin/sales/{saleId}?cursor={cursor}#orders-h" rel="next">Older orders →</a>""");
        var pager = When(!insight.IsNewestOrders || insight.OlderOrdersCursor is not null,
            H($"""<nav class="pager" aria-label="Pages of orders">{newest} {older}</nav>"""));
        if (orders.Count == 0)
        {
            return H($"""<div data-part="latest-orders"><p class="empty">{(insight.IsNewestOrders ? "No orders yet." : "No older orders.")}</p>{pager}</div>""");
        }

        var rows = orders.Select(o => H($"""
            <tr><td data-label="Buyer">{o.Username}</td><td data-label="Quantity" class="num">{o.Quantity}</td>
            <td data-label="Total" class="num">{Format.Money(o.Total, o.Currency)}</td>
            <td data-label="Bought">{Format.LocalTime(o.PurchasedAt, seconds: true)}</td>
            <td data-label="Status"><span class="badge {o.Status.ToString().ToLowerInvariant()}">{o.Status.ToString()}</span></td>
            <td data-label="Actions" class="actions">{When(o.Status == OrderStatus.Confirmed, H($"""<a href="/admin/orders/{o.Id}/cancel">Cancel order<span class="sr-only"> of {o.Username}</span>…</a>"""))}</td></tr>
            """)).ToList();
        var caption = insight.IsNewestOrders ? $"The {DashboardData.RecentOrders} newest orders" : "Older orders, newest first";
        return H($"""
            <div data-part="latest-orders"><div class="table-wrap"><table class="table responsive">
              <caption class="sr-only">{caption}</caption>
              <thead><tr><th scope="col">Buyer</th><th scope="col" class="num">Quantity</th><th scope="col" class="num">Total</th><th scope="col">Bought</th><th scope="col">Status</th><th scope="col">Actions</th></tr></thead>
              <tbody>{rows}</tbody>
            </table></div>{pager}</div>
            """);
    }
}
