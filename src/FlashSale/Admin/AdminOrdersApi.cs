using System.ComponentModel;
using FlashSale.Accounts;
using FlashSale.Common;
using FlashSale.Orders;
using FlashSale.Purchasing;
using FlashSale.Sales;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FlashSale.Admin;

public static class AdminOrdersApi
{
    public static RouteGroupBuilder MapAdminOrders(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/admin").WithTags("Admin").RequireAuthorization(AuthSetup.AdminPolicy).AuditWrites();
        group.MapGet("/sales/{id}/orders", ListOrders).WithName("ListSaleOrders")
            .WithSummary("A sale's orders, a page at a time (cursor), in purchase order or newest first.")
            .Refuses(StatusCodes.Status400BadRequest, Reasons.ValidationFailed).Refuses(StatusCodes.Status404NotFound, Reasons.SaleNotFound);
        group.MapGet("/sales/{id}/orders.csv", ExportOrders).WithName("ExportSaleOrders")
            .WithSummary("Every order of a sale as CSV, streamed row by row.")
            .Produces(StatusCodes.Status200OK, typeof(string), "text/csv")
            .Refuses(StatusCodes.Status400BadRequest, Reasons.ValidationFailed).Refuses(StatusCodes.Status404NotFound, Reasons.SaleNotFound);
        group.MapGet("/orders", ListBuyerOrders).WithName("ListBuyerOrders")
            .WithSummary("One buyer's orders across every sale, newest first, a page at a time (cursor): what support looks up.")
            .WithDescription("Give exactly one of `userId` (any buyer: an account's id, an external provider's subject, a "
                + "synthetic buyer's id; what an order's `userId` says) or `username` (an account of this server; "
                + "404 `not_found` when none has it). Orders keep the username they were bought under.")
            .Refuses(StatusCodes.Status400BadRequest, Reasons.ValidationFailed).Refuses(StatusCodes.Status404NotFound, Reasons.NotFound);
        group.MapGet("/orders/{orderId}", GetOrder).WithName("AdminGetOrder")
            .WithSummary("One order of any buyer, with the buyer and the Idempotency-Key it was bought with.")
            .Refuses(StatusCodes.Status404NotFound, Reasons.OrderNotFound);
        group.MapPost("/orders/{orderId}/cancel", CancelOrder).WithName("CancelOrder")
            .WithSummary("Cancels an order: its stock returns and the buyer may buy again. Idempotent.")
            .Refuses(StatusCodes.Status404NotFound, Reasons.OrderNotFound)
            .MayHaveWrittenOnStoreFailure(CancelUnfinished);
        return group;
    }

    /// <summary>
    /// A sale's orders cursor, as this API's pages and the admin's sale page (its "Older orders" link) take it: a position
    /// (seq) the stores handed out, a non-negative long. Digits that overflow one would read as "no cursor" in the stores
    /// and answer the first page again. One check and one refusal for both (until 2026-12-07 the page said it its own way).
    /// </summary>
    internal static ProblemHttpResult? CheckSaleOrdersCursor(string? cursor) =>
        cursor is null || PlainNumber.TryParse(cursor, out long _) ? null : ApiProblem.InvalidCursor();

    private static async Task<Results<Ok<AdminOrderPage>, ProblemHttpResult>> ListOrders(string id, ISaleStore sales,
        IOrderStore orders,
        [Description(BuyerOrderPaging.LimitDoc), WholeNumber(1, BuyerOrderPaging.MaxSize, BuyerOrderPaging.DefaultSize)] string? limit,
        [Description(QueryLimit.CursorDoc)] string? cursor, [Description(OrderDoc), OneOf("asc,desc")] string? order, CancellationToken ct)
    {
        // The query first, then the sale, as the leaderboard and the lists check theirs: a malformed request is a 400
        // whatever sale it names (until 2026-12-07 a 404 here and a 400 there for the same mistake).
        if (QueryLimit.TryParse(limit, BuyerOrderPaging.DefaultSize, BuyerOrderPaging.MaxSize, out var size) is { } invalid)
        {
            return invalid;
        }

        if (!IsOrder(order))
        {
            return BadOrder();
        }

        if (CheckSaleOrdersCursor(cursor) is { } badCursor)
        {
            return badCursor;
        }

        var sale = await SalesApi.FindAsync(id, sales, ct);
        if (sale is null)
        {
            return SalesApi.SaleNotFound();
        }

        var page = await orders.ListBySaleAsync(sale.Id, new OrderPageRequest(size, cursor, order == "desc"), ct);
        return TypedResults.Ok(new AdminOrderPage(page.Items.Select(AdminOrderResponse.From).ToList(), page.NextCursor));
    }

    private static async Task<Results<PushStreamHttpResult, ProblemHttpResult>> ExportOrders(string id,
        [Description(OrderDoc), OneOf("asc,desc")] string? order,
        ISaleStore sales, IOrderStore orders, CancellationToken ct)
    {
        if (!IsOrder(order))
        {
            return BadOrder();
        }

        var sale = await SalesApi.FindAsync(id, sales, ct);
        if (sale is null)
        {
            return SalesApi.SaleNotFound();
        }

        var write = await OrdersCsv.FirstReadAsync(sale, orders.StreamBySaleAsync(sale.Id, order == "desc", ct), ct);
        return TypedResults.Stream(write, "text/csv; charset=utf-8", $"orders-{sale.Sku}.csv");
    }

    private static async Task<Results<Ok<AdminOrderPage>, ProblemHttpResult>> ListBuyerOrders(IOrderStore orders,
        IAccountStore accounts, [Description("The buyer's user id, as an order's `userId` gives it.")] string? userId,
        [Description("The username of an account of this server.")] string? username,
        [Description(BuyerOrderPaging.LimitDoc), WholeNumber(1, BuyerOrderPaging.MaxSize, BuyerOrderPaging.DefaultSize)] string? limit,
        [Description(QueryLimit.CursorDoc)] string? cursor, CancellationToken ct)
    {
        var lookup = BuyerLookup.Of(userId, username);
        if (lookup.Problem() is { } badBuyer)
        {
            return badBuyer;
        }

        if (BuyerOrderPaging.TryParse(limit, cursor, out var size, out var after) is { } badQuery)
        {
            return badQuery;
        }

        if (await lookup.UserIdAsync(accounts, ct) is not { } buyer)
        {
            return BuyerLookup.NoSuchAccount();
        }

        // A cursor that is not one of this buyer's orders is refused like a malformed one, as on the buyer's own list.
        var page = await orders.ListByUserAsync(buyer, size, after, ct);
        return page is null
            ? ApiProblem.InvalidCursor()
            : TypedResults.Ok(new AdminOrderPage(page.Items.Select(AdminOrderResponse.From).ToList(), page.NextCursor));
    }

    private static async Task<Results<Ok<AdminOrderResponse>, ProblemHttpResult>> GetOrder(string orderId, IOrderStore orders,
        CancellationToken ct)
    {
        var order = RouteIds.TryParse(orderId, out var id) ? await orders.FindAsync(id, ct) : null;
        return order is null ? OrderNotFound() : TypedResults.Ok(AdminOrderResponse.From(order));
    }

    private static async Task<Results<Ok<AdminOrderResponse>, ProblemHttpResult>> CancelOrder(string orderId,
        HttpContext context, IPurchaseLedger ledger)
    {
        if (!RouteIds.TryParse(orderId, out var id))
        {
            return OrderNotFound();
        }

        // No cancellation token: a cancel, once started, is carried through even if the client leaves.
        return await ledger.CancelAsync(id, context.User.DisplayName(), CancellationToken.None) switch
        {
            CancelOutcome.Cancelled cancelled => TypedResults.Ok(AdminOrderResponse.From(cancelled.Order)),
            CancelOutcome.Unavailable => ApiProblem.Unavailable(context, CancelUnfinished),
            _ => OrderNotFound(),
        };
    }

    /// <summary>
    /// A cancel answered 503 may have changed the record (distributed: the record's write, then Redis failing before the
    /// stock came back); a retry finishes it, and the stock returns once (keyed by order id). Until 2026-12-06 this said
    /// nothing had changed.
    /// </summary>
    internal const string CancelUnfinished = "The cancel may not have completed. Try again: a retry finishes it and never returns the stock twice.";

    private const string OrderDoc = "asc: purchase order (the default); desc: newest first (400 otherwise).";

    private static bool IsOrder(string? order) => order is null or "asc" or "desc";

    private static ProblemHttpResult BadOrder() =>
        ApiProblem.Validation("order", "must be 'asc' (purchase order) or 'desc' (newest first).");

    private static ProblemHttpResult OrderNotFound() => ApiProblem.NotFound(Reasons.OrderNotFound, "No order has this id.");
}
