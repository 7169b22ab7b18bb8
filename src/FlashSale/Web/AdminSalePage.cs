using System.Globalization;
using FlashSale.Admin;
using FlashSale.Common;
using FlashSale.Orders;
using Microsoft.AspNetCore.Http.HttpResults;
using static FlashSale.Web.Html;

namespace FlashSale.Web;

/// <summary>One sale in depth: figures, sell-out curve, leaderboard, latest orders (with cancel); the CSV is the admin API's.</summary>
public static class AdminSalePage
{
    public static RouteGroupBuilder MapSalePage(this RouteGroupBuilder admin)
    {
        admin.MapGet("/sales/{id}", SaleDetail);
        return admin;
    }

    private static async Task<Results<ContentHttpResult, ProblemHttpResult>> SaleDetail(string id, string? m,
        HttpContext context, IDashboardData data, CancellationToken ct)
    {
        var insight = RouteIds.TryParse(id, out var saleId) ? await data.GetSaleAsync(saleId, ct) : null;
        if (insight is null)
        {
            return ApiProblem.NotFound(Reasons.SaleNotFound, "No sale has this id.");
        }

        var sale = insight.Row.Sale;
        var stats = insight.Stats;
        var leaders = insight.Leaderboard.Select(l => H($"""
            <li><span class="rank">{l.Rank}</span> {l.Buyer} <span class="muted small">× {l.Quantity} · <time datetime="{Format.Iso(l.PurchasedAt)}">{l.PurchasedAt.UtcDateTime.ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture)}</time></span></li>
            """)).ToList();
        var main = H($"""
            <p><a href="/admin">← Dashboard</a></p>
            <div class="page-head">
              <h1>{sale.ProductName}</h1>
              <span class="badge {Format.StatusCode(insight.Row.Status)}">{Format.Status(insight.Row.Status)}</span>
              <a class="button" href="/sales/{sale.Id}">Shop page</a>
              <a class="button" href="/admin/sales/{sale.Id}/edit">Edit</a>
              {AdminSaleForms.ActionLink(sale, "end", "End now", insight.Row.CanEnd)}
              {AdminSaleForms.ActionLink(sale, "delete", "Delete", insight.Row.CanDelete)}
            </div>
            <dl class="kpis">
              <div><dt>Revenue</dt><dd data-kpi="revenue">{Format.Money(stats.Revenue, sale.Currency)}</dd></div>
              <div><dt>Units sold</dt><dd data-kpi="units">{Format.Number(insight.Row.Stock.Sold)} / {Format.Number(sale.TotalStock)}</dd></div>
              <div><dt>Orders</dt><dd data-kpi="orders">{Format.Number(stats.Orders)}</dd></div>
              <div><dt>Sell-through</dt><dd data-kpi="sell-through">{Format.Percent(stats.SellThroughPercent)} %{SoldOutIn(stats)}</dd></div>
            </dl>
            <div class="two">
              <section class="panel" aria-labelledby="curve-h">
                <h2 id="curve-h">Units sold over time</h2>
                {Charts.Steps("sellout-chart", "Units sold over time", insight.SellOutCurve, sale.TotalStock)}
              </section>
              <section class="panel" aria-labelledby="lead-h">
                <h2 id="lead-h">Leaderboard</h2>
                {(leaders.Count == 0 ? H($"""<p class="empty">No buyers yet.</p>""") : H($"""<ol class="leaders">{leaders}</ol>"""))}
              </section>
            </div>
            <section class="panel" aria-labelledby="orders-h">
              <div class="page-head"><h2 id="orders-h">Latest orders</h2><a class="button small" href="/api/v1/admin/sales/{sale.Id}/orders.csv" download>Export CSV</a></div>
              {OrdersTable(insight.RecentOrders)}
            </section>
            """);
        return Layout.Page(context, sale.ProductName, main, AdminPages.AdminFlash(m));
    }

    private static Html SoldOutIn(SaleStatsResponse stats) => stats.TimeToSellOutSeconds is { } seconds
        ? H($"""<br><span class="muted small">sold out in {Format.Duration(TimeSpan.FromSeconds(seconds))}</span>""")
        : Html.Empty;

    private static Html OrdersTable(IReadOnlyList<Order> orders)
    {
        if (orders.Count == 0)
        {
            return H($"""<p class="empty">No orders yet.</p>""");
        }

        var rows = orders.Select(o => H($"""
            <tr><td data-label="Buyer">{o.Username}</td><td data-label="Quantity" class="num">{o.Quantity}</td>
            <td data-label="Total" class="num">{Format.Money(o.Total, o.Currency)}</td>
            <td data-label="Bought"><time datetime="{Format.Iso(o.PurchasedAt)}">{Format.Utc(o.PurchasedAt)}</time></td>
            <td data-label="Status"><span class="badge {o.Status.ToString().ToLowerInvariant()}">{o.Status.ToString()}</span></td>
            <td data-label="Actions" class="actions">{When(o.Status == OrderStatus.Confirmed, H($"""<a href="/admin/orders/{o.Id}/cancel">Cancel order<span class="sr-only"> of {o.Username}</span>…</a>"""))}</td></tr>
            """)).ToList();
        return H($"""
            <div class="table-wrap"><table class="table responsive">
              <caption class="sr-only">The {DashboardData.RecentOrders} newest orders</caption>
              <thead><tr><th scope="col">Buyer</th><th scope="col" class="num">Quantity</th><th scope="col" class="num">Total</th><th scope="col">Bought</th><th scope="col">Status</th><th scope="col">Actions</th></tr></thead>
              <tbody>{rows}</tbody>
            </table></div>
            """);
    }
}
