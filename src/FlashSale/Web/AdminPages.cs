using System.Globalization;
using FlashSale.Accounts;
using FlashSale.Admin;
using FlashSale.Common;
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
        group.MapSalePage();
        group.MapSaleForms();
        group.MapOrderForms();
        return group;
    }

    private static async Task<Results<ContentHttpResult, ProblemHttpResult>> Dashboard(HttpContext context, IDashboardData data,
        TimeProvider clock, string? m, string? before, CancellationToken ct)
    {
        if (!SalePosition.TryParseOptional(before, out var olderThan))
        {
            return ApiProblem.Validation("before", "is not a link this page gave.");
        }

        var stats = await data.GetStatsAsync(olderThan, ct);
        var report = stats.Report;
        // Amounts in two currencies are never added: the KPI lists each currency, the chart is one per currency.
        var revenue = report.Totals.Revenue.Count == 0 ? Format.Money(0, "USD")
            : string.Join(" + ", report.Totals.Revenue.Select(r => Format.Money(r.Amount, r.Currency)));
        var rankings = report.TopProducts.ByRevenue;
        var top = Join(rankings.Select(ranking => H($"""
            {When(rankings.Count > 1, H($"""<h3 class="small">{ranking.Currency}</h3>"""))}
            <ol class="top" data-currency="{ranking.Currency}">{Join(ranking.Products.Select(p => H($"""
            <li><span><a href="/admin/sales/{p.SaleId}">{p.ProductName}</a> <span class="muted small">{Format.Number(p.Units)} units</span></span> <strong>{Format.Money(p.Revenue, p.Currency)}</strong></li>
            """)))}</ol>
            """)));
        var main = H($"""
            <div class="page-head">
              <h1>Dashboard</h1>
              <a class="button primary" href="/admin/sales/new">New sale</a>
            </div>
            <section aria-labelledby="kpi-h">
              <h2 id="kpi-h" class="sr-only">Key figures</h2>
              <dl class="kpis">
                <div><dt>Revenue</dt><dd data-kpi="revenue">{revenue}</dd></div>
                <div><dt>Units sold</dt><dd data-kpi="units">{Format.Number(report.Totals.Units)}</dd></div>
                <div><dt>Orders</dt><dd data-kpi="orders">{Format.Number(report.Totals.Orders)}</dd></div>
                <div><dt>Buyers</dt><dd data-kpi="buyers">{Format.Number(report.Totals.UniqueBuyers)}</dd></div>
              </dl>
            </section>
            <div class="two">
              <section class="panel" aria-labelledby="rev-h">
                <h2 id="rev-h">Revenue by day <span class="muted small">(last {StatsReport.Days} UTC days)</span></h2>
                <div id="revenue-chart">{RevenueCharts(report)}</div>
              </section>
              <section class="panel" aria-labelledby="top-h">
                <h2 id="top-h">Top products</h2>
                {(rankings.Count == 0 ? H($"""<p class="empty">Nothing sold yet.</p>""") : top)}
              </section>
            </div>
            <section class="panel" aria-labelledby="sales-h">
              <h2 id="sales-h">Sales</h2>
              {SalesTable(stats.Sales, clock.GetUtcNow())}
              {SalesPager(before is not null, stats.OlderCursor)}
            </section>
            """);
        return Layout.Page(context, "Dashboard", main, AdminFlash(m));
    }

    /// <summary>
    /// Revenue by day, one chart per currency (by ISO code), each with the days that have orders in it: an empty bar
    /// says nothing a missing one does not, and a bar never adds two currencies.
    /// </summary>
    private static Html RevenueCharts(StatsResponse report)
    {
        var currencies = report.RevenueByDay.SelectMany(d => d.Revenue).Select(r => r.Currency).Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal).ToList();
        if (currencies.Count == 0)
        {
            return Charts.Bars("revenue-chart-none", "Revenue by day", [], v => Format.Money(v, "USD"), v => Format.Compact(v, "USD"));
        }

        return Join(currencies.Select(currency =>
        {
            var bars = report.RevenueByDay.SelectMany(d => d.Revenue.Where(r => r.Currency == currency)
                .Select(r => (d.Date.ToString("d MMM", CultureInfo.InvariantCulture), r.Amount))).ToList();
            var chart = Charts.Bars($"revenue-chart-{currency.ToLowerInvariant()}", $"Revenue by day in {currency}", bars,
                v => Format.Money(v, currency), v => Format.Compact(v, currency));
            return currencies.Count == 1 ? chart : H($"""<h3 class="small">{currency}</h3>{chart}""");
        }));
    }

    private static Html SalesTable(IReadOnlyList<SaleRow> rows, DateTimeOffset now)
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
              <td data-label="Window (UTC)" class="nowrap">{Format.Short(r.Sale.StartsAt, now)} →<br>{Format.Short(r.Sale.EndsAt, now)}</td>
              <td data-label="Actions" class="actions">
                <a href="/admin/sales/{r.Sale.Id}/edit">Edit<span class="sr-only"> {r.Sale.ProductName}</span></a>
                {AdminSaleForms.ActionLink(r.Sale, "end", "End now", r.CanEnd)}
                {AdminSaleForms.ActionLink(r.Sale, "delete", "Delete", r.CanDelete)}
              </td>
            </tr>
            """)).ToList();
        return H($"""
            <div class="table-wrap">
            <table class="table responsive">
              <caption class="sr-only">Sales, newest first</caption>
              <thead><tr><th scope="col">Product</th><th scope="col">Status</th><th scope="col" class="num">Sold</th><th scope="col" class="num">Price</th><th scope="col">Window (UTC)</th><th scope="col">Actions</th></tr></thead>
              <tbody>{body}</tbody>
            </table>
            </div>
            """);
    }

    /// <summary>Links between the table's pages (<see cref="DashboardData.SalesPerPage"/> sales each); nothing when one page holds them all.</summary>
    private static Html SalesPager(bool isOlderPage, string? olderCursor)
    {
        if (!isOlderPage && olderCursor is null)
        {
            return Empty;
        }

        var newest = When(isOlderPage, H($"""<a href="/admin#sales-h">← Newest sales</a>"""));
        var older = olderCursor is null ? Empty
            : H($"""<a href="/admin?before={Uri.EscapeDataString(olderCursor)}#sales-h" rel="next">Older sales →</a>""");
        return H($"""<nav class="pager" aria-label="Sales pages">{newest} {older}</nav>""");
    }

    internal static Flash? AdminFlash(string? code) => code switch
    {
        "created" => Flash.Ok("Sale created. It is on the shop page now."),
        "saved" => Flash.Ok("Changes saved."),
        "ended" => Flash.Ok("Sale ended: nobody can buy it any more."),
        "deleted" => Flash.Ok("Sale deleted."),
        "cancelled" => Flash.Ok("Order cancelled: its units are back in stock and the buyer may buy again."),
        _ => null,
    };
}
