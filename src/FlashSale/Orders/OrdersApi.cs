using FlashSale.Accounts;
using FlashSale.Common;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FlashSale.Orders;

public static class OrdersApi
{
    public static RouteGroupBuilder MapMyOrders(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/me/orders").WithTags("Orders").RequireAuthorization();
        group.MapGet("/", ListMine).WithName("MyOrders").WithSummary("The caller's orders, newest first.");
        group.MapGet("/{orderId}", GetMine).WithName("MyOrder").WithSummary("One of the caller's orders.");
        return group;
    }

    private static async Task<Ok<OrderListResponse>> ListMine(HttpContext context, IOrderStore orders, CancellationToken ct)
    {
        var mine = await orders.ListByUserAsync(context.User.UserId(), ct);
        return TypedResults.Ok(new OrderListResponse(mine.Select(OrderResponse.From).ToList()));
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
