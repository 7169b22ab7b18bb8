using FlashSale.Sales;
using Microsoft.AspNetCore.Http.HttpResults;
using static FlashSale.Web.Html;

namespace FlashSale.Web;

/// <summary>
/// What keeps an open dashboard current (js/list-poll.js, js/dashboard.js). The table's stock and status follow the
/// public list every 5 s, read from memory; the record's parts (the figures, the chart, the top products, which sales the page lists and in which
/// order) come from <c>GET /admin/live</c>: the dashboard's own parts drawn again from a fresh read of the record, the
/// same <see cref="Admin.StatsReport"/> read as <c>GET /api/v1/admin/stats</c>. Drawn here rather than from the API's
/// JSON in the script: one code for the formats, the charts and the rows, which a page reload and the script agree on.
/// </summary>
public static class DashboardLive
{
    public static RouteHandlerBuilder MapDashboardLive(this RouteGroupBuilder group) => group.MapGet("/live", Parts);

    /// <summary>
    /// The page's sources for the script: the list its rows follow (the sales not ended at the page's time: an early end
    /// moves an end later, never before it, and an ended sale's status is final; asked only while a row is followed) and
    /// its parts, for the page's own filter, search and page of the table (<paramref name="query"/>).
    /// </summary>
    public static Html Sources(DashboardQuery query, DateTimeOffset now) => H($"""
         data-poll="/api/v1/sales?limit={SalePage.MaxSize}&amp;endsAfter={Format.Instant(now)}" data-refresh="/admin/live{query.PageQueryString()}"
        """);

    /// <summary>The dashboard's parts (<see cref="DashboardView"/>) for the table's filter, search and page the query names.</summary>
    private static async Task<Results<ContentHttpResult, ProblemHttpResult>> Parts(IDashboardData data, TimeProvider clock,
        string? status, string? q, string? after, string? before, CancellationToken ct)
    {
        if (DashboardQuery.TryParse(status, q, after, before, out var query) is { } invalid)
        {
            return invalid;
        }

        var now = clock.GetUtcNow();
        var stats = await data.GetStatsAsync(query, ct);
        var parts = H($"""
            {DashboardView.Figures(stats.Report, now)}
            {DashboardView.Panels(stats.Report)}
            {DashboardView.Filters(query, stats.Pages)}
            {DashboardView.SalesTable(stats.Sales, now, query)}
            {DashboardView.SalesPager(query, stats.Pages)}
            """);
        return TypedResults.Content(parts.Value, "text/html; charset=utf-8");
    }
}
