using System.Globalization;
using FlashSale.Admin;
using FlashSale.Sales;
using static FlashSale.Web.Html;

namespace FlashSale.Web;

/// <summary>
/// The dashboard's parts, each an element marked <c>data-part</c>: the page draws them all, and <c>GET /admin/live</c>
/// draws them again for the script to take in (<see cref="DashboardLive"/>), so an open dashboard and a reload are the
/// same code, the same formats and the same read of the record.
/// </summary>
public static class DashboardView
{
    /// <summary>The key figures and the time of the record's read they are of.</summary>
    public static Html Figures(StatsResponse report, DateTimeOffset now)
    {
        // Amounts in two currencies are never added: the KPI lists each currency, the chart is one per currency.
        var revenue = report.Totals.Revenue.Count == 0 ? Format.Money(0, "USD")
            : string.Join(" + ", report.Totals.Revenue.Select(r => Format.Money(r.Amount, r.Currency)));
        return H($"""
            <section aria-labelledby="kpi-h" data-part="figures">
              <h2 id="kpi-h" class="sr-only">Key figures</h2>
              <dl class="kpis">
                <div><dt>Revenue</dt><dd data-kpi="revenue">{revenue}</dd></div>
                <div><dt>Units sold</dt><dd data-kpi="units">{Format.Number(report.Totals.Units)}</dd></div>
                <div><dt>Orders</dt><dd data-kpi="orders">{Format.Number(report.Totals.Orders)}</dd></div>
                <div><dt>Buyers</dt><dd data-kpi="buyers">{Format.Number(report.Totals.UniqueBuyers)}</dd></div>
              </dl>
              <p class="muted small">The figures, the chart and the top products: the orders recorded by <time data-role="recorded" datetime="{Format.Iso(now)}">{Format.Clock(now)}</time>.
                The table's units sold and status: the stock as sold.</p>
            </section>
            """);
    }

    /// <summary>Revenue by day and the top products.</summary>
    public static Html Panels(StatsResponse report)
    {
        var rankings = report.TopProducts.ByRevenue;
        var top = Join(rankings.Select(ranking => H($"""
            {When(rankings.Count > 1, H($"""<h3 class="small">{ranking.Currency}</h3>"""))}
            <ol class="top-products" data-currency="{ranking.Currency}">{Join(ranking.Products.Select(p => H($"""
            <li><div class="ranked"><span><a href="/admin/sales/{p.SaleId}">{p.ProductName}</a> <span class="muted small">{Format.Number(p.Units)} {(p.Units == 1 ? "unit" : "units")}</span></span> <strong>{Format.Money(p.Revenue, p.Currency)}</strong></div></li>
            """)))}</ol>
            """)));
        return H($"""
            <div class="two" data-part="panels">
              <section class="panel" aria-labelledby="rev-h">
                <h2 id="rev-h">Revenue by day <span class="muted small">(last {StatsReport.Days} UTC days)</span></h2>
                <div id="revenue-chart">{RevenueCharts(report)}</div>
              </section>
              <section class="panel" aria-labelledby="top-h">
                <h2 id="top-h">Top products</h2>
                {(rankings.Count == 0 ? H($"""<p class="empty">Nothing sold yet.</p>""") : top)}
              </section>
            </div>
            """);
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

    /// <summary>A page of the sales table, newest start first; each row names its sale (<c>data-row</c>).</summary>
    public static Html SalesTable(IReadOnlyList<SaleRow> rows, DateTimeOffset now)
    {
        if (rows.Count == 0)
        {
            return H($"""<div data-part="table"><p class="empty">No sales yet. <a href="/admin/sales/new">Create the first one</a>.</p></div>""");
        }

        var body = rows.Select(r => H($"""
            <tr data-row="{r.Sale.Id}"{LiveRow(r, now)}>
              <td data-label="Product"><a href="/admin/sales/{r.Sale.Id}">{r.Sale.ProductName}</a><br><span class="muted small mono">{r.Sale.Sku}</span></td>
              <td data-label="Status"><span class="badge {Format.StatusCode(r.Status)}" data-role="status">{Format.Status(r.Status)}</span></td>
              <td data-label="Sold" class="num nowrap"><span data-role="sold">{Format.Number(r.Stock.Sold)}</span> / <span data-role="total">{Format.Number(r.Stock.TotalStock)}</span></td>
              <td data-label="Price" class="num nowrap">{Format.Money(r.Sale.Price, r.Sale.Currency)}</td>
              <td data-label="Window (UTC)" class="nowrap">{Format.Short(r.Sale.StartsAt, now)} →<br>{Format.Short(r.Sale.EndsAt, now)}</td>
              <td data-label="Actions" class="actions">
                <a href="/admin/sales/{r.Sale.Id}/edit" data-action="edit">Edit<span class="sr-only"> {r.Sale.ProductName}</span></a>
                {AdminSaleForms.ActionLink(r.Sale, "end", "End now", r.CanEnd)}
                {AdminSaleForms.ActionLink(r.Sale, "delete", "Delete", r.CanDelete)}
              </td>
            </tr>
            """)).ToList();
        return H($"""
            <div data-part="table"><div class="table-wrap">
            <table class="table responsive">
              <caption class="sr-only">Sales, newest first</caption>
              <thead><tr><th scope="col">Product</th><th scope="col">Status</th><th scope="col" class="num">Sold</th><th scope="col" class="num">Price</th><th scope="col">Window (UTC)</th><th scope="col">Actions</th></tr></thead>
              <tbody>{body}</tbody>
            </table>
            </div></div>
            """);
    }

    /// <summary>A row the script keeps current (a Sale, js/sale.js): one whose sale had not ended when it was drawn.</summary>
    private static Html LiveRow(SaleRow r, DateTimeOffset now) => r.Status == SaleStatus.Ended ? Empty
        : H($""" data-sale="{r.Sale.Id}" data-starts-at="{Format.Iso(r.Sale.StartsAt)}" data-ends-at="{Format.Iso(r.Sale.EndsAt)}" data-server-time="{Format.Iso(now)}" data-status="{Format.StatusCode(r.Status)}" """);

    /// <summary>Links between the table's pages (<see cref="DashboardData.SalesPerPage"/> sales each); empty when one page holds them all.</summary>
    public static Html SalesPager(bool isOlderPage, string? olderCursor)
    {
        var newest = When(isOlderPage, H($"""<a href="/admin#sales-h">← Newest sales</a>"""));
        var older = olderCursor is null ? Empty
            : H($"""<a href="/admin?before={Uri.EscapeDataString(olderCursor)}#sales-h" rel="next">Older sales →</a>""");
        var links = When(isOlderPage || olderCursor is not null, H($"""<nav class="pager" aria-label="Sales pages">{newest} {older}</nav>"""));
        return H($"""<div data-part="pager">{links}</div>""");
    }
}
