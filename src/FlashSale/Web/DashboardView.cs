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
              <p class="muted small">The figures, the chart and the top products: the orders recorded by {Format.LocalClock(now, "recorded")}.
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

    /// <summary>
    /// The table's filters, as links with the current one marked (<c>aria-current</c>), each with how many sales it lists
    /// (the search's, when there is one): on a launch day "Live 7" says at once what is on, whatever page is open.
    /// </summary>
    public static Html Filters(DashboardQuery query, DashboardPages pages)
    {
        var links = Enum.GetValues<DashboardFilter>().Select(filter => H($"""
            <a href="/admin{query.QueryString(filter)}#sales-h"{When(filter == query.Filter, H($" aria-current=\"page\""))}>{FilterName(filter)} <span class="count">{Format.Number(pages.Counts[filter])}</span></a>
            """));
        return H($"""<nav class="filters" aria-label="Which sales" data-part="filters">{links}</nav>""");
    }

    /// <summary>
    /// The search by SKU or product name, within the filter shown (a hidden field keeps it). Outside the live parts: an
    /// open page's reads never touch what the admin is typing.
    /// </summary>
    public static Html Search(DashboardQuery query) => H($"""
        <form method="get" action="/admin#sales-h" class="sale-search" role="search">
          <label for="sales-q">Find a sale</label>
          <input type="search" id="sales-q" name="q" value="{query.Search ?? ""}" maxlength="{DashboardQuery.MaxSearchLength}" placeholder="SKU or product name" autocomplete="off">
          {When(query.Filter != DashboardFilter.All, H($"""<input type="hidden" name="status" value="{DashboardQuery.Word(query.Filter)}">"""))}
          <button type="submit" class="button small">Search</button>
          {When(query.Search is not null, H($"""<a href="/admin{(query with { Search = null }).QueryString()}#sales-h">Clear</a>"""))}
        </form>
        """);

    private static string FilterName(DashboardFilter filter) => filter switch
    {
        DashboardFilter.Live => "Live",
        DashboardFilter.Upcoming => "Upcoming",
        DashboardFilter.Ended => "Ended",
        _ => "All",
    };

    /// <summary>A page of the sales table in <see cref="DashboardPosition"/>'s order; each row names its sale (<c>data-row</c>).</summary>
    public static Html SalesTable(IReadOnlyList<SaleRow> rows, DateTimeOffset now, DashboardQuery query)
    {
        if (rows.Count == 0)
        {
            var empty = query.Search is not null ? H($"""No {FilterNoun(query.Filter)} matches “{query.Search}”.""")
                : query.Filter != DashboardFilter.All ? H($"""No {FilterNoun(query.Filter)}s.""")
                : H($"""No sales yet. <a href="/admin/sales/new">Create the first one</a>.""");
            return H($"""<div data-part="table"><p class="empty">{empty}</p></div>""");
        }

        var body = rows.Select(r => H($"""
            <tr data-row="{r.Sale.Id}"{LiveRow(r, now)}>
              <td data-label="Product"><a href="/admin/sales/{r.Sale.Id}">{r.Sale.ProductName}</a><br><span class="muted small mono">{r.Sale.Sku}</span></td>
              <td data-label="Status"><span class="badge {Format.StatusCode(r.Status)}" data-role="status">{Format.Status(r.Status)}</span></td>
              <td data-label="Sold" class="num nowrap"><span data-role="sold">{Format.Number(r.Stock.Sold)}</span> / <span data-role="total">{Format.Number(r.Stock.TotalStock)}</span></td>
              <td data-label="Price" class="num nowrap">{Format.Money(r.Sale.Price, r.Sale.Currency)}</td>
              <td data-label="Window" class="nowrap">{Format.LocalShort(r.Sale.StartsAt, now)} →<br>{Format.LocalShort(r.Sale.EndsAt, now)}</td>
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
              <caption class="sr-only">{Caption(query)}</caption>
              <thead><tr><th scope="col">Product</th><th scope="col">Status</th><th scope="col" class="num">Sold</th><th scope="col" class="num">Price</th><th scope="col">Window</th><th scope="col">Actions</th></tr></thead>
              <tbody>{body}</tbody>
            </table>
            </div></div>
            """);
    }

    /// <summary>A row the script keeps current (a Sale, js/sale.js): one whose sale had not ended when it was drawn.</summary>
    private static Html LiveRow(SaleRow r, DateTimeOffset now) => r.Status == SaleStatus.Ended ? Empty
        : H($""" data-sale="{r.Sale.Id}" data-starts-at="{Format.Iso(r.Sale.StartsAt)}" data-ends-at="{Format.Iso(r.Sale.EndsAt)}" data-server-time="{Format.Iso(now)}" data-status="{Format.StatusCode(r.Status)}" """);

    /// <summary>
    /// Links between the table's pages (<see cref="DashboardData.SalesPerPage"/> sales each), both ways, keeping the filter
    /// and the search; empty when one page holds them all.
    /// </summary>
    public static Html SalesPager(DashboardQuery query, DashboardPages pages)
    {
        var previous = !pages.HasPrevious ? Empty
            : H($"""<a href="/admin{query.QueryString(page: pages.PreviousBefore is { } before ? "before=" + before.ToCursor() : null)}#sales-h" rel="prev">← Previous page</a>""");
        var next = pages.NextAfter is not { } after ? Empty
            : H($"""<a href="/admin{query.QueryString(page: "after=" + after.ToCursor())}#sales-h" rel="next">Next page →</a>""");
        var links = When(pages.HasPrevious || pages.NextAfter is not null, H($"""<nav class="pager" aria-label="Sales pages">{previous} {next}</nav>"""));
        return H($"""<div data-part="pager">{links}</div>""");
    }

    private static string FilterNoun(DashboardFilter filter) => filter switch
    {
        DashboardFilter.Live => "live sale",
        DashboardFilter.Upcoming => "upcoming sale",
        DashboardFilter.Ended => "ended sale",
        _ => "sale",
    };

    private static string Caption(DashboardQuery query) => query.Filter switch
    {
        DashboardFilter.Live => "Live sales, newest start first",
        DashboardFilter.Upcoming => "Upcoming sales, soonest first",
        DashboardFilter.Ended => "Ended sales, latest end first",
        _ => "Sales: live ones first (newest start first), then upcoming ones (soonest first), then ended ones (latest end first)",
    } + (query.Search is null ? "" : $", matching “{query.Search}”");
}
