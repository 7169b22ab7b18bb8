using FlashSale.Accounts;
using FlashSale.Admin;
using FlashSale.Common;
using FlashSale.Orders;
using FlashSale.Purchasing;
using Microsoft.AspNetCore.Http.HttpResults;
using static FlashSale.Web.Html;

namespace FlashSale.Web;

/// <summary>Cancel an order from the dashboard: a confirm page, then a form post to the ledger's cancel (as the admin API does).</summary>
public static class AdminOrderForms
{
    public static RouteGroupBuilder MapOrderForms(this RouteGroupBuilder admin)
    {
        admin.MapGet("/orders/{orderId}/cancel", ConfirmCancel);
        admin.MapPost("/orders/{orderId}/cancel", Cancel).RequireAntiforgery().MayHaveWrittenOnStoreFailure(AdminOrdersApi.CancelUnfinished);
        return admin;
    }

    private static async Task<Results<ContentHttpResult, ProblemHttpResult>> ConfirmCancel(string orderId, HttpContext context,
        IOrderStore orders, CancellationToken ct)
    {
        var order = RouteIds.TryParse(orderId, out var id) ? await orders.FindAsync(id, ct) : null;
        if (order is null)
        {
            return ApiProblem.NotFound(Reasons.OrderNotFound, "No order has this id.");
        }

        var back = $"/admin/sales/{order.SaleId}";
        var units = order.Quantity == 1 ? "1 unit" : $"{order.Quantity} units";
        var main = order.Status != OrderStatus.Confirmed
            ? H($"""<h1>Cancel an order</h1><p>This order is {order.Status.ToString().ToLowerInvariant()}: there is nothing to cancel.</p><p><a class="button" href="{back}">Back to the sale</a></p>""")
            : H($"""
                <p><a href="{back}">← Back to the sale</a></p>
                <h1>Cancel {order.Username}’s order?</h1>
                <p>{units} for {Format.Money(order.Total, order.Currency)}, bought {Format.LocalTime(order.PurchasedAt)}.</p>
                <p>Cancelling returns the {units} to stock and lets {order.Username} buy again. It cannot be undone.</p>
                <form method="post" action="/admin/orders/{order.Id}/cancel" class="inline">
                  {Layout.Antiforgery(context)}
                  <button type="submit" class="button danger">Cancel this order</button>
                </form>
                <a class="button" href="{back}">Keep it</a>
                """);
        return Layout.Page(context, "Cancel an order", main);
    }

    private static async Task<Results<RedirectHttpResult, ContentHttpResult>> Cancel(string orderId, HttpContext context,
        IPurchaseLedger ledger)
    {
        if (!RouteIds.TryParse(orderId, out var id))
        {
            return NotFound(context);
        }

        // As the admin API: no cancellation token, a cancel once started is carried through.
        return await ledger.CancelAsync(id, context.User.DisplayName(), CancellationToken.None) switch
        {
            CancelOutcome.Cancelled cancelled => TypedResults.LocalRedirect($"/admin/sales/{cancelled.Order.SaleId}?m=cancelled"),
            CancelOutcome.Unavailable => Unfinished(context, id),
            _ => NotFound(context),
        };
    }

    /// <summary>
    /// A 503 whose record write may have happened: not the refusals' "Nothing changed", and the retry is on the page (the
    /// confirm page of an order the record has cancelled offers none).
    /// </summary>
    private static ContentHttpResult Unfinished(HttpContext context, Guid id)
    {
        const string heading = "The cancel may not have completed";
        var main = H($"""
            <h1>{heading}</h1>
            <p>{AdminOrdersApi.CancelUnfinished}</p>
            <p class="muted small">Reason: <code data-role="reason">{Reasons.Unavailable}</code></p>
            <form method="post" action="/admin/orders/{id}/cancel" class="inline">
              {Layout.Antiforgery(context)}
              <button type="submit" class="button danger">Try again</button>
            </form>
            <a class="button" href="/admin">Back</a>
            """);
        return Layout.Page(context, heading, main, Flash.Error(AdminOrdersApi.CancelUnfinished), StatusCodes.Status503ServiceUnavailable);
    }

    private static ContentHttpResult NotFound(HttpContext context) => AdminSaleForms.Refused(context,
        new AdminActionResult(false, "No order has this id.", Reason: Reasons.OrderNotFound, Status: StatusCodes.Status404NotFound));
}
