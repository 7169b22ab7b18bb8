using FlashSale.Admin;
using FlashSale.Common;
using Microsoft.AspNetCore.Http.HttpResults;
using static FlashSale.Web.Html;

namespace FlashSale.Web;

/// <summary>
/// One sale in depth: its terms, figures, sell-out curve, leaderboard, its orders a page at a time (with cancel); the CSV
/// is the admin API's.
/// </summary>
public static class AdminSalePage
{
    public static RouteGroupBuilder MapSalePage(this RouteGroupBuilder admin)
    {
        admin.MapGet("/sales/{id}", SaleDetail);
        admin.MapSaleLive();
        return admin;
    }

    private static async Task<Results<ContentHttpResult, ProblemHttpResult>> SaleDetail(string id, [IgnoredWhenRepeated] string? m,
        string? cursor, HttpContext context, IDashboardData data, TimeProvider clock, CancellationToken ct)
    {
        if (AdminOrdersApi.CheckSaleOrdersCursor(cursor) is { } invalid)
        {
            return invalid;
        }

        var insight = RouteIds.TryParse(id, out var saleId) ? await data.GetSaleAsync(saleId, cursor, ct) : null;
        if (insight is null)
        {
            return ApiProblem.SaleNotFound();
        }

        var sale = insight.Row.Sale;
        var row = insight.Row;
        var drawn = clock.GetUtcNow();
        // The sale's root for the script (js/sale.js, a Sale like the shop's): the units, what is left, the sell-through
        // and the status follow the public live feed; the record's parts (data-part) are read again from data-refresh.
        var main = H($"""
            <div class="admin-sale" data-sale="{sale.Id}" data-starts-at="{Format.Iso(sale.StartsAt)}" data-ends-at="{Format.Iso(sale.EndsAt)}" data-server-time="{Format.Iso(drawn)}" data-status="{Format.StatusCode(row.Status)}" data-live="/api/v1/sales/{sale.Id}/events" data-refresh="{AdminSaleLive.PathOf(sale.Id, cursor)}">
            <p><a href="/admin">← Dashboard</a></p>
            <div class="page-head">
              <h1>{sale.ProductName}</h1>
              <span class="badge {Format.StatusCode(row.Status)}" data-role="status">{Format.Status(row.Status)}</span>
              {Layout.LiveStatus}
              <a class="button" href="/sales/{sale.Id}">Shop page</a>
              <a class="button" href="/admin/sales/{sale.Id}/edit" data-action="edit">Edit</a>
              {AdminSaleForms.ActionLink(sale, "end", "End now", row.CanEnd)}
              {AdminSaleForms.ActionLink(sale, "delete", "Delete", row.CanDelete)}
            </div>
            <p class="countdown" data-role="countdown">{Format.Countdown(sale, drawn)}</p>
            <p class="sr-only" aria-live="polite" data-role="announce"></p>
            {AdminSaleView.Terms(insight, drawn)}
            <dl class="kpis">
              <div><dt>Revenue</dt>{AdminSaleView.Revenue(insight)}</div>
              <div><dt>Units sold</dt><dd data-kpi="units"><span data-role="sold">{Format.Number(row.Stock.Sold)}</span> / <span data-role="total">{Format.Number(sale.TotalStock)}</span></dd>
                <dd class="note"><span data-role="remaining">{Format.Number(row.Stock.Remaining)}</span> left</dd></div>
              <div><dt>Orders</dt>{AdminSaleView.Orders(insight)}</div>
              <div><dt>Sell-through</dt><dd data-role="sell-through" data-kpi="sell-through">{Format.Percent(StatsReport.SellThrough(row.Stock.Sold, sale.TotalStock))} %</dd>{AdminSaleView.SoldOutIn(insight)}</div>
            </dl>
            {AdminStockForm.Form(context, row)}
            <p class="muted small">Units sold, left, sell-through and status: the stock as sold. Revenue, orders, the chart, the
              leaderboard and the orders: the orders recorded by {AdminSaleView.Recorded(insight, drawn)}.<span data-role="record-behind" hidden>
              Units have been sold or returned since: they are counted here at the next read.</span></p>
            {AdminSaleView.Panels(insight)}
            <section class="panel" aria-labelledby="orders-h">
              <div class="page-head"><h2 id="orders-h">{(insight.IsNewestOrders ? "Latest orders" : "Older orders")}</h2><a class="button small" href="/api/v1/admin/sales/{sale.Id}/orders.csv" download>Export CSV</a></div>
              {AdminSaleView.LatestOrders(insight)}
            </section>
            </div>
            """);
        return Layout.Page(context, sale.ProductName, main, AdminPages.AdminFlash(m));
    }
}
