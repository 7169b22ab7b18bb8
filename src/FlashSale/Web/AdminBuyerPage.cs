using FlashSale.Accounts;
using FlashSale.Admin;
using FlashSale.Orders;
using FlashSale.Sales;
using Microsoft.AspNetCore.Http.HttpResults;
using static FlashSale.Web.Html;

namespace FlashSale.Web;

/// <summary>
/// Support's page for one buyer (<c>/admin/buyers?username=</c> or <c>?userId=</c>, the dashboard's search): their orders
/// across every sale, newest first, 100 a page, each confirmed one with its cancel link. The same look-up as
/// <c>GET /api/v1/admin/orders</c> (<see cref="BuyerLookup"/>); until 2026-12-07 a buyer's question ("did my order go
/// through?") meant paging every sale's orders.
/// </summary>
public static class AdminBuyerPage
{
    private const int PageSize = 100;

    public static RouteGroupBuilder MapBuyerPage(this RouteGroupBuilder admin)
    {
        admin.MapGet("/buyers", Show);
        return admin;
    }

    private static async Task<ContentHttpResult> Show(HttpContext context, IOrderStore orders, IAccountStore accounts,
        ISaleStore sales, string? username, string? userId, string? cursor, CancellationToken ct)
    {
        var lookup = BuyerLookup.Of(userId, username);
        if (lookup.IsEmpty)
        {
            return Layout.Page(context, "Find a buyer", Search(lookup));
        }

        var badCursor = BuyerOrderPaging.TryParse(null, cursor, out _, out var after);
        if (lookup.Problem() is not null || badCursor is not null)
        {
            return Layout.Page(context, Layout.ErrorTitle("Find a buyer"), Search(lookup),
                Flash.Error("Give a username, or a user id (at most " + BuyerLookup.MaxUserIdLength + " characters, no control characters)."), 400);
        }

        var buyer = await lookup.UserIdAsync(accounts, ct);
        var page = buyer is null ? null : await orders.ListByUserAsync(buyer, PageSize, after, ct);
        if (page is null)
        {
            return Layout.Page(context, Layout.ErrorTitle("Find a buyer"), Search(lookup, unknownUsername: buyer is null && lookup.Username is not null),
                Flash.Error(buyer is null ? "No account has this username." : "That page of orders is not one this buyer has."), 404);
        }

        var who = lookup.Username ?? page.Items.FirstOrDefault()?.Username ?? lookup.UserId!;
        var names = (await sales.ListAsync(ct)).ToDictionary(s => s.Id, s => s.ProductName);
        var rows = page.Items.Select(o => H($"""
            <tr>
              <td data-label="Product"><a href="/admin/sales/{o.SaleId}">{names.GetValueOrDefault(o.SaleId, "(removed sale)")}</a></td>
              <td data-label="Quantity" class="num">{o.Quantity}</td>
              <td data-label="Total" class="num">{Format.Money(o.Total, o.Currency)}</td>
              <td data-label="Bought"><time datetime="{Format.Iso(o.PurchasedAt)}">{Format.UtcSeconds(o.PurchasedAt)}</time></td>
              <td data-label="Status"><span class="badge {o.Status.ToString().ToLowerInvariant()}">{o.Status.ToString()}</span></td>
              <td data-label="Order" class="mono small">{o.Id.ToString("D")}</td>
              <td data-label="Actions" class="actions">{When(o.Status == OrderStatus.Confirmed, H($"""<a href="/admin/orders/{o.Id}/cancel">Cancel order<span class="sr-only"> {o.Id.ToString("D")}</span>…</a>"""))}</td>
            </tr>
            """)).ToList();
        var query = lookup.Username is not null ? "username=" + Uri.EscapeDataString(lookup.Username) : "userId=" + Uri.EscapeDataString(lookup.UserId!);
        var table = rows.Count == 0
            ? H($"""<p class="empty">No orders.</p>""")
            : H($"""
                <div class="table-wrap"><table class="table responsive">
                  <caption class="sr-only">{who}’s orders, newest first</caption>
                  <thead><tr><th scope="col">Product</th><th scope="col" class="num">Quantity</th><th scope="col" class="num">Total</th><th scope="col">Bought</th><th scope="col">Status</th><th scope="col">Order</th><th scope="col">Actions</th></tr></thead>
                  <tbody>{rows}</tbody>
                </table></div>
                {When(page.NextCursor is not null, H($"""<p class="pager"><a rel="next" href="/admin/buyers?{query}&amp;cursor={page.NextCursor}">Older orders</a></p>"""))}
                """);
        var main = H($"""
            {Search(lookup)}
            <section class="panel" aria-labelledby="buyer-h">
              <h2 id="buyer-h">{who}’s orders</h2>
              <p class="muted small">User id <span class="mono">{buyer}</span></p>
              {table}
            </section>
            """);
        return Layout.Page(context, $"{who} · buyer", main);
    }

    /// <summary>
    /// The search form, as on the dashboard: a username, or a user id. A username no account has is marked on its field,
    /// the message (the page's, focused) describing it.
    /// </summary>
    private static Html Search(BuyerLookup lookup, bool unknownUsername = false) => H($"""
        <p><a href="/admin">← Dashboard</a></p>
        <h1>Find a buyer</h1>
        <form method="get" action="/admin/buyers" class="buyer-search">
          <label for="buyer-username">Username</label>
          <input id="buyer-username" name="username" value="{lookup.Username ?? ""}" autocomplete="off"{When(unknownUsername, H($" aria-invalid=\"true\" aria-describedby=\"flash\""))}>
          <label for="buyer-id">or user id</label>
          <input id="buyer-id" name="userId" value="{lookup.UserId ?? ""}" autocomplete="off">
          <button type="submit" class="button primary">Find orders</button>
        </form>
        """);
}
