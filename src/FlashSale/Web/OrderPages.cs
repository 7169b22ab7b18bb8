using FlashSale.Accounts;
using FlashSale.Orders;
using FlashSale.Sales;
using Microsoft.AspNetCore.Http.HttpResults;
using static FlashSale.Web.Html;

namespace FlashSale.Web;

public static class OrderPages
{
    public static IEndpointRouteBuilder MapOrderPages(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/orders", MyOrders).RequireAuthorization().ExcludeFromDescription();
        return routes;
    }

    private static async Task<ContentHttpResult> MyOrders(HttpContext context, IOrderStore orders, ISaleStore sales,
        CancellationToken ct)
    {
        // The newest 1,000 (the API pages further: GET /api/v1/me/orders?cursor=).
        var mine = (await orders.ListByUserAsync(context.User.UserId(), 1000, null, ct))!.Items;
        var names = (await sales.ListAsync(ct)).ToDictionary(s => s.Id, s => s.ProductName);
        // The order's whole id, what support looks it up by (GET /api/v1/admin/orders/{id}): ids are time-ordered (UUIDv7), so
        // until 2026-12-07 the 8 characters shown here were the same for every order bought within about a minute.
        var rows = mine.Select(o => H($"""
            <tr>
              <td data-label="Product"><a href="/sales/{o.SaleId}">{names.GetValueOrDefault(o.SaleId, "(removed sale)")}</a></td>
              <td data-label="Quantity" class="num">{o.Quantity}</td>
              <td data-label="Total" class="num">{Format.Money(o.Total, o.Currency)}</td>
              <td data-label="Bought">{Format.LocalTime(o.PurchasedAt, seconds: true)}</td>
              <td data-label="Status"><span class="badge {o.Status.ToString().ToLowerInvariant()}">{o.Status.ToString()}</span></td>
              <td data-label="Order" class="mono small">{o.Id.ToString("D")}</td>
            </tr>
            """)).ToList();
        var main = rows.Count == 0
            ? H($"""<h1>My orders</h1><p class="empty">No orders yet. <a href="/">Find a sale</a>.</p>""")
            : H($"""
                <h1>My orders</h1>
                <div class="table-wrap">
                <table class="table responsive">
                  <caption class="sr-only">Your orders, newest first</caption>
                  <thead><tr><th scope="col">Product</th><th scope="col" class="num">Quantity</th><th scope="col" class="num">Total</th><th scope="col">Bought</th><th scope="col">Status</th><th scope="col">Order</th></tr></thead>
                  <tbody>{rows}</tbody>
                </table>
                </div>
                """);
        return Layout.Page(context, "My orders", main);
    }
}
