using System.ComponentModel;
using FlashSale.Accounts;
using FlashSale.Common;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FlashSale.Orders;

public static class OrdersApi
{
    public static RouteGroupBuilder MapMyOrders(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/me/orders").WithTags("Orders").RequireAuthorization();
        group.MapGet("/", ListMine).WithName("MyOrders").WithSummary("The caller's orders, newest first, a page at a time (cursor).")
            .Refuses(StatusCodes.Status400BadRequest, Reasons.ValidationFailed);
        group.MapGet("/{orderId}", GetMine).WithName("MyOrder").WithSummary("One of the caller's orders.")
            .Refuses(StatusCodes.Status404NotFound, Reasons.OrderNotFound);
        return group;
    }

    private static async Task<Results<Ok<OrderListResponse>, ProblemHttpResult>> ListMine(HttpContext context, IOrderStore orders,
        [Description(BuyerOrderPaging.LimitDoc), WholeNumber(1, BuyerOrderPaging.MaxSize, BuyerOrderPaging.DefaultSize)] string? limit,
        [Description(QueryLimit.CursorDoc)] string? cursor, CancellationToken ct)
    {
        if (BuyerOrderPaging.TryParse(limit, cursor, out var size, out var after) is { } badQuery)
        {
            return badQuery;
        }

        // A cursor that is not one of the caller's orders is refused like a malformed one (G8: nothing about others).
        var page = await orders.ListByUserAsync(context.User.UserId(), size, after, ct);
        return page is null
            ? ApiProblem.InvalidCursor()
            : TypedResults.Ok(new OrderListResponse(page.Items.Select(OrderResponse.From).ToList(), page.NextCursor));
    }

    private static async Task<Results<Ok<OrderResponse>, ProblemHttpResult>> GetMine(string orderId, HttpContext context,
        IOrderStore orders, CancellationToken ct)
    {
        var order = RouteIds.TryParse(orderId, out var id) ? await orders.FindAsync(id, ct) : null;
        // Another user's order is answered exactly like a missing one: ids are not confirmed to strangers (G8).
        if (order is null || order.UserId != context.User.UserId())
        {
            return ApiProblem.NotFound(Reasons.OrderNotFound, "You have no order with this id.");
        }

        return TypedResults.Ok(OrderResponse.From(order));
    }
}
