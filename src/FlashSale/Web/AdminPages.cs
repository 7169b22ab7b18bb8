using FlashSale.Accounts;
using FlashSale.Admin;
using FlashSale.Common;
using Microsoft.AspNetCore.Http.HttpResults;
using static FlashSale.Web.Html;

namespace FlashSale.Web;

/// <summary>The admin dashboard: figures, charts, the sales table; one sale's curve, leaderboard and orders.</summary>
public static class AdminPages
{
    public static RouteGroupBuilder MapAdminPages(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/admin").RequireAuthorization(AuthSetup.AdminPolicy).ExcludeFromDescription().AuditWrites();
        group.MapGet("/", Dashboard);
        group.MapDashboardLive();
        group.MapSalePage();
        group.MapSaleForms();
        group.MapStockForm();
        group.MapOrderForms();
        group.MapBuyerPage();
        group.MapLedgerPage();
        return group;
    }

    private static async Task<Results<ContentHttpResult, ProblemHttpResult, RedirectHttpResult>> Dashboard(HttpContext context, IDashboardData data,
        DriftWatch drift, TimeProvider clock, [IgnoredWhenRepeated] string? m, [IgnoredWhenRepeated] string? name, [IgnoredWhenRepeated] string? sku, string? status, string? q, string? after, string? before,
        CancellationToken ct)
    {
        if (DashboardQuery.TryParse(status, q, after, before, out var query) is { } invalid)
        {
            return invalid;
        }

        if (query.IsOldLink)
        {
            // An address the bookmark can be replaced with: the first page, keeping the filter and search, and why.
            var kept = query.QueryString();
            return TypedResults.LocalRedirect($"/admin{(kept.Length == 0 ? "?" : kept + "&")}m={OldPageLink}#sales-h");
        }

        var now = clock.GetUtcNow();
        var stats = await data.GetStatsAsync(query, ct);
        var main = H($"""
            {DriftWarning(drift.Latest)}
            <div class="dashboard"{DashboardLive.Sources(query, now)}>
            <div class="page-head">
              <h1>Dashboard</h1>
              {Layout.LiveStatus}
              <a class="button" href="/admin/buyers">Find a buyer</a>
              <a class="button" href="/admin/ledger">Ledger check</a>
              <a class="button primary" href="/admin/sales/new">New sale</a>
            </div>
            {DashboardView.Figures(stats.Report, now)}
            {DashboardView.Panels(stats.Report)}
            <section class="panel" aria-labelledby="sales-h">
              <div class="page-head"><h2 id="sales-h">Sales</h2>{DashboardView.Search(query)}</div>
              {DashboardView.Filters(query, stats.Pages)}
              {DashboardView.SalesTable(stats.Sales, now, query)}
              {DashboardView.SalesPager(query, stats.Pages)}
            </section>
            </div>
            """);
        // After End or Delete, the message names the sale (the redirect carries its name and SKU).
        return Layout.Page(context, "Dashboard", main, AdminSaleForms.DoneFlash(m, name, sku) ?? AdminFlash(m));
    }

    /// <summary>
    /// The latest drift check found sales whose ledger and record disagree: said on the dashboard, with the way to the
    /// ledger check, until it is repaired — beside the flash of what the admin just did, not instead of it.
    /// </summary>
    private static Html DriftWarning(DriftReading? latest) => latest is { DriftedSales: > 0 } drift
        ? H($"""<p class="flash error" data-role="drift">The ledger and the order record disagree on {drift.DriftedSales} {(drift.DriftedSales == 1 ? "sale" : "sales")} (checked {Format.Utc(drift.CheckedAt)}). <a href="/admin/ledger">See which in the ledger check</a>.</p>""")
        : H($"");

    /// <summary>
    /// The message code of a sale created with its whole window in the past: it is ended from the start. Its window can no
    /// longer change (it has ended: SaleEditState), so the way to run it is a new sale.
    /// </summary>
    internal const string CreatedEnded = "created_ended";

    /// <summary>The message code of an upcoming sale's edit that moved its whole window into the past: as <see cref="CreatedEnded"/>.</summary>
    internal const string SavedEnded = "saved_ended";

    /// <summary>The message code of a pager link of the table as it was listed until 2026-12-07 (<see cref="DashboardQuery.IsOldLink"/>).</summary>
    internal const string OldPageLink = "old_page";

    internal static Flash? AdminFlash(string? code) => code switch
    {
        OldPageLink => Flash.Warn("That link was to a page of the sales table as it was ordered before 7 December 2026, "
            + "which no longer exists: here is the first page. Live sales are listed first now."),
        "created" => Flash.Ok("Sale created. It is on the shop page now."),
        CreatedEnded => Flash.Warn("Sale created, but its window is already over: it shows as ended and nobody can buy it. "
            + "Its dates can no longer change; to run it, delete it and create it again with dates to come."),
        "saved" => Flash.Ok("Changes saved."),
        SavedEnded => Flash.Warn("Changes saved, but the window of this sale is now over: it shows as ended and nobody can buy it. "
            + "Its dates can no longer change; to run it, create a new sale with dates to come."),
        "ended" => Flash.Ok("Sale ended: nobody can buy it any more."),
        AdminStockForm.Added => Flash.Ok("Units added to the stock."),
        "deleted" => Flash.Ok("Sale deleted."),
        "cancelled" => Flash.Ok("Order cancelled: its units are back in stock and the buyer may buy again."),
        _ => null,
    };
}
