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

    /// <summary>Where the page's script reads its record parts.</summary>
    public static string PathOf(Guid saleId) => $"/admin/sales/{saleId}/live";

    private static async Task<Results<ContentHttpResult, ProblemHttpResult>> Parts(string id, IDashboardData data, TimeProvider clock,
        CancellationToken ct)
    {
        var insight = RouteIds.TryParse(id, out var saleId) ? await data.GetSaleAsync(saleId, ct) : null;
        if (insight is null)
        {
            return ApiProblem.SaleNotFound();
        }

        var parts = H($"""
            {AdminSaleView.Revenue(insight)}
            {AdminSaleView.Orders(insight)}
            {AdminSaleView.SoldOutIn(insight)}
            {AdminSaleView.Recorded(insight, clock.GetUtcNow())}
            {AdminSaleView.Panels(insight)}
            {AdminSaleView.LatestOrders(insight)}
            """);
        return TypedResults.Content(parts.Value, "text/html; charset=utf-8");
    }
}
