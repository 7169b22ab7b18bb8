using System.Globalization;
using FlashSale.Orders;
using static FlashSale.Web.Html;

namespace FlashSale.Web;

/// <summary>
/// The admin sale page's record parts, each an element marked <c>data-part</c>: revenue, orders, "sold out in", the time
/// of the read, the chart and leaderboard, the latest orders. The page draws them, and <c>GET /admin/sales/{id}/live</c>
/// draws them again from a fresh read for the script to take in (<see cref="AdminSaleLive"/>): one code for a reload and
/// an open page. The units, what is left and the sell-through are the ledger's and follow the live feed instead.
/// </summary>
public static class AdminSaleView
{
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
        <span data-part="recorded" data-record-sold="{insight.Stats.Sold}"><time data-role="recorded" datetime="{Format.Iso(now)}">{Format.Clock(now)}</time></span>
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

    /// <summary>The newest orders, each confirmed one with its cancel link.</summary>
    public static Html LatestOrders(SaleInsight insight)
    {
        var orders = insight.RecentOrders;
        if (orders.Count == 0)
        {
            return H($"""<div data-part="latest-orders"><p class="empty">No orders yet.</p></div>""");
        }

        var rows = orders.Select(o => H($"""
            <tr><td data-label="Buyer">{o.Username}</td><td data-label="Quantity" class="num">{o.Quantity}</td>
            <td data-label="Total" class="num">{Format.Money(o.Total, o.Currency)}</td>
            <td data-label="Bought"><time datetime="{Format.Iso(o.PurchasedAt)}">{Format.UtcSeconds(o.PurchasedAt)}</time></td>
            <td data-label="Status"><span class="badge {o.Status.ToString().ToLowerInvariant()}">{o.Status.ToString()}</span></td>
            <td data-label="Actions" class="actions">{When(o.Status == OrderStatus.Confirmed, H($"""<a href="/admin/orders/{o.Id}/cancel">Cancel order<span class="sr-only"> of {o.Username}</span>…</a>"""))}</td></tr>
            """)).ToList();
        return H($"""
            <div data-part="latest-orders"><div class="table-wrap"><table class="table responsive">
              <caption class="sr-only">The {DashboardData.RecentOrders} newest orders</caption>
              <thead><tr><th scope="col">Buyer</th><th scope="col" class="num">Quantity</th><th scope="col" class="num">Total</th><th scope="col">Bought</th><th scope="col">Status</th><th scope="col">Actions</th></tr></thead>
              <tbody>{rows}</tbody>
            </table></div></div>
            """);
    }
}
