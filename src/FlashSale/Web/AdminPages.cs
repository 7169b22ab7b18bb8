using System.Globalization;
using System.Text;
using FlashSale.Accounts;
using FlashSale.Common;
using FlashSale.Orders;
using FlashSale.Sales;
using Microsoft.AspNetCore.Http.HttpResults;
using static FlashSale.Web.Html;

namespace FlashSale.Web;

/// <summary>The admin dashboard: figures, charts, the sales table; one sale's curve, leaderboard and orders.</summary>
public static class AdminPages
{
    public static RouteGroupBuilder MapAdminPages(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/admin").RequireAuthorization(AuthSetup.AdminPolicy).ExcludeFromDescription();
        group.MapGet("/", Dashboard);
        group.MapGet("/sales/{id}", SaleDetail);
        group.MapGet("/sales/{id}/orders.csv", OrdersCsv);
        group.MapSaleForms();
        return group;
    }

    private static async Task<ContentHttpResult> Dashboard(HttpContext context, IDashboardData data, string? m, CancellationToken ct)
    {
        var stats = await data.GetStatsAsync(ct);
        var currency = stats.Revenue.OrderByDescending(r => r.Amount).FirstOrDefault()?.Currency ?? "USD";
        var revenue = stats.Revenue.Count == 0 ? Format.Money(0, "USD")
            : string.Join(" + ", stats.Revenue.Select(r => Format.Money(r.Amount, r.Currency)));
        var days = stats.RevenueByDay.TakeLast(14)
            .Select(d => (d.Day.ToString("d MMM", CultureInfo.InvariantCulture), d.Revenue)).ToList();
        var top = stats.TopProducts.Select(p => H($"""
            <li><span><a href="/admin/sales/{p.SaleId}">{p.ProductName}</a> <span class="muted small">{Format.Number(p.Units)} units</span></span> <strong>{Format.Money(p.Revenue, p.Currency)}</strong></li>
            """)).ToList();
        var main = H($"""
            <div class="page-head">
              <h1>Dashboard</h1>
              <a class="button primary" href="/admin/sales/new">New sale</a>
            </div>
            <section aria-labelledby="kpi-h">
              <h2 id="kpi-h" class="sr-only">Key figures</h2>
              <dl class="kpis">
                <div><dt>Revenue</dt><dd data-kpi="revenue">{revenue}</dd></div>
                <div><dt>Units sold</dt><dd data-kpi="units">{Format.Number(stats.Units)}</dd></div>
                <div><dt>Orders</dt><dd data-kpi="orders">{Format.Number(stats.Orders)}</dd></div>
                <div><dt>Buyers</dt><dd data-kpi="buyers">{Format.Number(stats.Buyers)}</dd></div>
              </dl>
            </section>
            <div class="two">
              <section class="panel" aria-labelledby="rev-h">
                <h2 id="rev-h">Revenue by day</h2>
                {Charts.Bars("revenue-chart", "Revenue by day", days, v => Format.Money(v, currency), v => Format.Compact(v, currency))}
              </section>
              <section class="panel" aria-labelledby="top-h">
                <h2 id="top-h">Top products</h2>
                {(top.Count == 0 ? H($"""<p class="empty">Nothing sold yet.</p>""") : H($"""<ol class="top">{top}</ol>"""))}
              </section>
            </div>
            <section class="panel" aria-labelledby="sales-h">
              <h2 id="sales-h">Sales</h2>
              {SalesTable(context, stats.Sales)}
            </section>
            """);
        return Layout.Page(context, "Dashboard", main, AdminFlash(m));
    }

    private static Html SalesTable(HttpContext context, IReadOnlyList<SaleRow> rows)
    {
        if (rows.Count == 0)
        {
            return H($"""<p class="empty">No sales yet. <a href="/admin/sales/new">Create the first one</a>.</p>""");
        }

        var body = rows.Select(r => H($"""
            <tr>
              <td data-label="Product"><a href="/admin/sales/{r.Sale.Id}">{r.Sale.ProductName}</a><br><span class="muted small mono">{r.Sale.Sku}</span></td>
              <td data-label="Status"><span class="badge {Format.StatusCode(r.Status)}">{Format.Status(r.Status)}</span></td>
              <td data-label="Sold" class="num nowrap">{Format.Number(r.Stock.Sold)} / {Format.Number(r.Stock.TotalStock)}</td>
              <td data-label="Price" class="num">{Format.Money(r.Sale.Price, r.Sale.Currency)}</td>
              <td data-label="Window (UTC)" class="nowrap">{Format.Short(r.Sale.StartsAt)} →<br>{Format.Short(r.Sale.EndsAt)}</td>
              <td data-label="Actions" class="actions">
                <a href="/admin/sales/{r.Sale.Id}/edit">Edit<span class="sr-only"> {r.Sale.ProductName}</span></a>
                {AdminSaleForms.ActionButton(context, r.Sale, "end", "End now", r.Status is SaleStatus.Upcoming or SaleStatus.Active)}
                {AdminSaleForms.ActionButton(context, r.Sale, "delete", "Delete", r.Orders == 0)}
              </td>
            </tr>
            """)).ToList();
        return H($"""
            <div class="table-wrap">
            <table class="table responsive">
              <caption class="sr-only">Every sale, newest first</caption>
              <thead><tr><th scope="col">Product</th><th scope="col">Status</th><th scope="col" class="num">Sold</th><th scope="col" class="num">Price</th><th scope="col">Window (UTC)</th><th scope="col">Actions</th></tr></thead>
              <tbody>{body}</tbody>
            </table>
            </div>
            """);
    }

    private static async Task<Results<ContentHttpResult, NotFound<string>>> SaleDetail(string id, string? m,
        HttpContext context, IDashboardData data, CancellationToken ct)
    {
        var insight = RouteIds.TryParse(id, out var saleId) ? await data.GetSaleAsync(saleId, ct) : null;
        if (insight is null)
        {
            return TypedResults.NotFound("No sale has this id.");
        }

        var sale = insight.Row.Sale;
        var leaders = insight.Leaderboard.Select(l => H($"""
            <li><span class="rank">{l.Rank}</span> {l.Buyer} <span class="muted small">× {l.Quantity} · <time datetime="{Format.Iso(l.At)}">{l.At.UtcDateTime.ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture)}</time></span></li>
            """)).ToList();
        var orders = insight.RecentOrders.Select(o => H($"""
            <tr><td data-label="Buyer">{o.Username}</td><td data-label="Quantity" class="num">{o.Quantity}</td>
            <td data-label="Total" class="num">{Format.Money(o.Total, o.Currency)}</td>
            <td data-label="Bought"><time datetime="{Format.Iso(o.PurchasedAt)}">{Format.Utc(o.PurchasedAt)}</time></td>
            <td data-label="Status"><span class="badge {o.Status.ToString().ToLowerInvariant()}">{o.Status.ToString()}</span></td></tr>
            """)).ToList();
        var main = H($"""
            <p><a href="/admin">← Dashboard</a></p>
            <div class="page-head">
              <h1>{sale.ProductName}</h1>
              <span class="badge {Format.StatusCode(insight.Row.Status)}">{Format.Status(insight.Row.Status)}</span>
              <a class="button" href="/sales/{sale.Id}">Shop page</a>
              <a class="button" href="/admin/sales/{sale.Id}/edit">Edit</a>
            </div>
            <dl class="kpis">
              <div><dt>Revenue</dt><dd>{Format.Money(insight.Revenue, sale.Currency)}</dd></div>
              <div><dt>Units sold</dt><dd>{Format.Number(insight.Row.Stock.Sold)} / {Format.Number(sale.TotalStock)}</dd></div>
              <div><dt>Orders</dt><dd>{Format.Number(insight.Row.Orders)}</dd></div>
              <div><dt>Buyers</dt><dd>{Format.Number(insight.Buyers)}</dd></div>
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
              <div class="page-head"><h2 id="orders-h">Latest orders</h2><a class="button small" href="/admin/sales/{sale.Id}/orders.csv" download>Export CSV</a></div>
              {(orders.Count == 0 ? H($"""<p class="empty">No orders yet.</p>""") : H($"""
                <div class="table-wrap"><table class="table responsive">
                  <caption class="sr-only">The 50 newest orders</caption>
                  <thead><tr><th scope="col">Buyer</th><th scope="col" class="num">Quantity</th><th scope="col" class="num">Total</th><th scope="col">Bought</th><th scope="col">Status</th></tr></thead>
                  <tbody>{orders}</tbody>
                </table></div>
                """))}
            </section>
            """);
        return Layout.Page(context, sale.ProductName, main, AdminFlash(m));
    }

    /// <summary>Every order of a sale, streamed a page at a time: memory stays flat however many there are.</summary>
    private static async Task<Results<EmptyHttpResult, NotFound<string>>> OrdersCsv(string id, HttpContext context,
        ISaleStore sales, IOrderStore orders, CancellationToken ct)
    {
        var sale = await SalesApi.FindAsync(id, sales, ct);
        if (sale is null)
        {
            return TypedResults.NotFound("No sale has this id.");
        }

        context.Response.ContentType = "text/csv; charset=utf-8";
        context.Response.Headers.ContentDisposition = $"attachment; filename=\"orders-{sale.Sku}.csv\"";
        await using var writer = new StreamWriter(context.Response.Body, new UTF8Encoding(false));
        await writer.WriteAsync("order_id,user_id,username,quantity,unit_price,total,currency,purchased_at,status\n");
        string? cursor = null;
        do
        {
            var page = await orders.ListBySaleAsync(sale.Id, new OrderPageRequest(1000, cursor, NewestFirst: false), ct);
            foreach (var o in page.Items)
            {
                await writer.WriteAsync(string.Join(',', o.Id.ToString("D"), Csv(o.UserId), Csv(o.Username),
                    o.Quantity.ToString(CultureInfo.InvariantCulture), o.UnitPrice.ToString(CultureInfo.InvariantCulture),
                    o.Total.ToString(CultureInfo.InvariantCulture), o.Currency, Format.Iso(o.PurchasedAt),
                    o.Status.ToString().ToLowerInvariant()) + "\n");
            }

            cursor = page.NextCursor;
        }
        while (cursor is not null);
        return TypedResults.Empty;
    }

    /// <summary>Quoted, and never a formula: a cell starting with = + - @ is prefixed so spreadsheets show it as text.</summary>
    private static string Csv(string value)
    {
        if (value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            value = "'" + value;
        }

        return "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
    }

    internal static Flash? AdminFlash(string? code) => code switch
    {
        "created" => Flash.Ok("Sale created. It is on the shop page now."),
        _ => null,
    };
}
