using FlashSale.Admin;
using FlashSale.Common;
using Microsoft.AspNetCore.Http.HttpResults;
using static FlashSale.Web.Html;

namespace FlashSale.Web;

/// <summary>
/// What keeps the admin's open sale page current beside the public live feed (js/admin-sale-record.js):
/// <c>GET /admin/sales/{id}/live</c>, the page's record parts (<see cref="AdminSaleView"/>) drawn again from a fresh read,
/// as <c>GET /admin/live</c> does for the dashboard. The script reads it every 15 s while the page is seen, sooner when
/// the feed shows units moved.
/// </summary>
public static class AdminSaleLive
{
    public static RouteHandlerBuilder MapSaleLive(this RouteGroupBuilder admin) => admin.MapGet("/sales/{id}/live", Parts);

    /// <summary>Where the page's script reads its record parts: for the same page of the orders (<paramref name="cursor"/>).</summary>
    public static string PathOf(Guid saleId, string? cursor = null) =>
        $"/admin/sales/{saleId}/live" + (cursor is null ? "" : "?cursor=" + Uri.EscapeDataString(cursor));

    private static async Task<Results<ContentHttpResult, ProblemHttpResult>> Parts(string id, string? cursor, IDashboardData data,
        TimeProvider clock, CancellationToken ct)
    {
        if (AdminOrdersApi.CheckSaleOrdersCursor(cursor) is { } invalid)
        {
            return invalid;
        }

        var now = clock.GetUtcNow();
        var insight = RouteIds.TryParse(id, out var saleId) ? await data.GetSaleAsync(saleId, cursor, ct) : null;
        if (insight is null)
        {
            return ApiProblem.SaleNotFound();
        }

        var parts = H($"""
            {AdminSaleView.Revenue(insight)}
            {AdminSaleView.Orders(insight)}
            {AdminSaleView.SoldOutIn(insight)}
            {AdminSaleView.Recorded(insight, now)}
            {AdminSaleView.Terms(insight, now)}
            {AdminSaleView.Panels(insight)}
            {AdminSaleView.LatestOrders(insight)}
            """);
        return TypedResults.Content(parts.Value, "text/html; charset=utf-8");
    }
}
