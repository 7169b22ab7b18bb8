using FlashSale.Accounts;
using FlashSale.Admin;
using FlashSale.Orders;
using FlashSale.Sales;
using Microsoft.AspNetCore.Http.HttpResults;
using static FlashSale.Web.Html;

namespace FlashSale.Web;

/// <summary>
/// Support's page for one buyer (<c>/admin/buyers?username=</c> or <c>?userId=</c>, the dashboard's search): their orders
/// across every sale, newest first, 100 a page, each confirmed one with its cancel link. <c>?orderId=</c> (or an order id
/// pasted into either field) shows that order, then its buyer's orders. The same look-up as
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
        ISaleStore sales, string? username, string? userId, string? orderId, string? cursor, CancellationToken ct)
    {
        var lookup = BuyerLookup.Of(userId, username);
        var orderText = string.IsNullOrWhiteSpace(orderId) ? null : orderId.Trim();
        if (orderText is not null)
        {
            return await OrderAsync(context, orders, sales, lookup, orderText, ct);
        }

        if (lookup.IsEmpty)
        {
            return Layout.Page(context, "Find a buyer", Search(lookup));
        }

        var badCursor = BuyerOrderPaging.TryParse(null, cursor, out _, out var after);
        if (lookup.Problem() is not null || badCursor is not null)
        {
            return Layout.Page(context, Layout.ErrorTitle("Find a buyer"), Search(lookup), GiveOne, 400);
        }

        var buyer = await lookup.UserIdAsync(accounts, ct);
        var page = buyer is null ? null : await orders.ListByUserAsync(buyer, PageSize, after, ct);
        // An order id pasted into the username or user id field (support is handed order ids as often as names): no
        // account has it as a name, or no buyer has it as an id, and an order does: that order. Until 2026-12-07 the page
        // said "No account has this username".
        var pasted = lookup.Username ?? lookup.UserId;
        if (after is null && (page is null || page.Items.Count == 0) && BuyerLookup.TryOrderId(pasted, out var pastedId)
            && await orders.FindAsync(pastedId, ct) is { } found)
        {
            return await OrderPageAsync(context, orders, sales, BuyerLookup.Of(null, null), pasted!.Trim(), found, ct);
        }

        if (page is null)
        {
            return Layout.Page(context, Layout.ErrorTitle("Find a buyer"), Search(lookup, unknownUsername: buyer is null && lookup.Username is not null),
                Flash.Error(buyer is null ? "No account has this username." : "That page of orders is not one this buyer has."), 404);
        }

        var who = lookup.Username ?? page.Items.FirstOrDefault()?.Username ?? lookup.UserId!;
        var query = lookup.Username is not null ? "username=" + Uri.EscapeDataString(lookup.Username) : "userId=" + Uri.EscapeDataString(lookup.UserId!);
        var panel = await OrdersPanelAsync(sales, who, buyer!, page, query, null, ct);
        var main = H($"""
            {Search(lookup)}
            {panel}
            """);
        return Layout.Page(context, $"{who} · buyer", main);
    }

    private static readonly Flash GiveOne =
        Flash.Error("Give a username, or a user id (at most " + BuyerLookup.MaxUserIdLength + " characters, no control characters), or an order id.");

    /// <summary>The search by order id (its own field): that order, then its buyer's orders.</summary>
    private static async Task<ContentHttpResult> OrderAsync(HttpContext context, IOrderStore orders, ISaleStore sales,
        BuyerLookup lookup, string orderText, CancellationToken ct)
    {
        if (!lookup.IsEmpty)
        {
            return Layout.Page(context, Layout.ErrorTitle("Find a buyer"), Search(lookup, orderText), GiveOne, 400);
        }

        if (!BuyerLookup.TryOrderId(orderText, out var id))
        {
            return Layout.Page(context, Layout.ErrorTitle("Find a buyer"), Search(lookup, orderText, unknownOrder: true),
                Flash.Error("That is not an order id: an order id is 32 hexadecimal digits, usually written in groups as 0190a1b2-…"), 400);
        }

        return await orders.FindAsync(id, ct) is { } order
            ? await OrderPageAsync(context, orders, sales, lookup, orderText, order, ct)
            : Layout.Page(context, Layout.ErrorTitle("Find a buyer"), Search(lookup, orderText, unknownOrder: true),
                Flash.Error("No order has this id."), 404);
    }

    /// <summary>
    /// One order found by its id: what it is (sale, buyer, quantity, price, status and when, the key it was bought with),
    /// its cancel link while confirmed, and below it the first page of its buyer's orders, as a look-up of the buyer shows.
    /// </summary>
    private static async Task<ContentHttpResult> OrderPageAsync(HttpContext context, IOrderStore orders, ISaleStore sales,
        BuyerLookup lookup, string orderText, Order order, CancellationToken ct)
    {
        var sale = await sales.FindAsync(order.SaleId, ct);
        var cancelled = order.Status == OrderStatus.Cancelled
            ? H($"""<div><dt>Cancelled</dt><dd>{(order.CancelledAt is { } at ? Format.LocalTime(at, seconds: true) : Html.Empty)}{(order.CancelledBy is null ? "" : " by " + order.CancelledBy)}</dd></div>""")
            : Empty;
        var buyerOrders = await orders.ListByUserAsync(order.UserId, PageSize, null, ct) ?? new OrderPage([], null);
        var panel = await OrdersPanelAsync(sales, order.Username, order.UserId, buyerOrders, "userId=" + Uri.EscapeDataString(order.UserId),
            order.Id, ct);
        var main = H($"""
            {Search(lookup, orderText)}
            <section class="panel" aria-labelledby="order-h" data-order="{order.Id}">
              <div class="page-head"><h2 id="order-h">Order <span class="mono">{order.Id.ToString("D")}</span></h2>
                {When(order.Status == OrderStatus.Confirmed, H($"""<a class="button small" href="/admin/orders/{order.Id}/cancel">Cancel order…</a>"""))}</div>
              <dl class="terms">
                <div><dt>Sale</dt><dd>{(sale is null ? H($"(removed sale)") : H($"""<a href="/admin/sales/{sale.Id}">{sale.ProductName}</a>"""))}</dd></div>
                <div><dt>Buyer</dt><dd><a href="/admin/buyers?userId={Uri.EscapeDataString(order.UserId)}">{order.Username}</a> <span class="muted small mono">{order.UserId}</span></dd></div>
                <div><dt>Quantity</dt><dd>{order.Quantity}</dd></div>
                <div><dt>Total</dt><dd>{Format.Money(order.Total, order.Currency)} <span class="muted small">({Format.Money(order.UnitPrice, order.Currency)} each)</span></dd></div>
                <div><dt>Bought</dt><dd>{Format.LocalTime(order.PurchasedAt, seconds: true)}</dd></div>
                <div><dt>Status</dt><dd><span class="badge {order.Status.ToString().ToLowerInvariant()}">{order.Status.ToString()}</span></dd></div>
                {cancelled}
                <div><dt>Idempotency-Key</dt><dd class="mono small">{order.IdempotencyKey ?? "none"}</dd></div>
              </dl>
            </section>
            {panel}
            """);
        return Layout.Page(context, $"Order {order.Id.ToString("D")}", main);
    }

    /// <summary>A page of one buyer's orders, newest first, with its "Older orders" link (<paramref name="query"/> names the buyer).</summary>
    private static async Task<Html> OrdersPanelAsync(ISaleStore sales, string who, string buyer, OrderPage page, string query,
        Guid? found, CancellationToken ct)
    {
        var names = (await sales.ListAsync(ct)).ToDictionary(s => s.Id, s => s.ProductName);
        var rows = page.Items.Select(o => H($"""
            <tr{When(o.Id == found, H($" class=\"found\""))}>
              <td data-label="Product"><a href="/admin/sales/{o.SaleId}">{names.GetValueOrDefault(o.SaleId, "(removed sale)")}</a></td>
              <td data-label="Quantity" class="num">{o.Quantity}</td>
              <td data-label="Total" class="num">{Format.Money(o.Total, o.Currency)}</td>
              <td data-label="Bought">{Format.LocalTime(o.PurchasedAt, seconds: true)}</td>
              <td data-label="Status"><span class="badge {o.Status.ToString().ToLowerInvariant()}">{o.Status.ToString()}</span></td>
              <td data-label="Order" class="mono small">{o.Id.ToString("D")}{When(o.Id == found, H($"""<span class="sr-only"> (the order found)</span>"""))}</td>
              <td data-label="Actions" class="actions">{When(o.Status == OrderStatus.Confirmed, H($"""<a href="/admin/orders/{o.Id}/cancel">Cancel order<span class="sr-only"> {o.Id.ToString("D")}</span>…</a>"""))}</td>
            </tr>
            """)).ToList();
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
        return H($"""
            <section class="panel" aria-labelledby="buyer-h">
              <h2 id="buyer-h">{who}’s orders</h2>
              <p class="muted small">User id <span class="mono">{buyer}</span></p>
              {table}
            </section>
            """);
    }

    /// <summary>
    /// The search form, as on the dashboard: a username, a user id, or an order id. A username or order id nothing has is
    /// marked on its field, the message (the page's, focused) describing it.
    /// </summary>
    private static Html Search(BuyerLookup lookup, string? orderId = null, bool unknownUsername = false, bool unknownOrder = false) => H($"""
        <p><a href="/admin">← Dashboard</a></p>
        <h1>Find a buyer</h1>
        <form method="get" action="/admin/buyers" class="buyer-search">
          <label for="buyer-username">Username</label>
          <input id="buyer-username" name="username" value="{lookup.Username ?? ""}" autocomplete="off"{When(unknownUsername, H($" aria-invalid=\"true\" aria-describedby=\"flash\""))}>
          <label for="buyer-id">or user id</label>
          <input id="buyer-id" name="userId" value="{lookup.UserId ?? ""}" autocomplete="off">
          <label for="buyer-order">or order id</label>
          <input id="buyer-order" name="orderId" value="{orderId ?? ""}" autocomplete="off"{When(unknownOrder, H($" aria-invalid=\"true\" aria-describedby=\"flash\""))}>
          <button type="submit" class="button primary">Find orders</button>
        </form>
        """);
}
