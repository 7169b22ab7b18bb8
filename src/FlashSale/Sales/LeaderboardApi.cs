using System.ComponentModel;
using FlashSale.Common;
using FlashSale.Orders;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FlashSale.Sales;

public static class LeaderboardApi
{
    public const int DefaultLimit = 10;
    public const int MaxLimit = 100;

    public static RouteGroupBuilder MapLeaderboard(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/sales/{id}/leaderboard").WithTags("Sales");
        group.MapGet("/", GetLeaderboard).WithName("Leaderboard")
            .WithSummary("The first buyers of a sale in purchase order, names masked (confirmed orders only).")
            .Refuses(StatusCodes.Status400BadRequest, Reasons.ValidationFailed).Refuses(StatusCodes.Status404NotFound, Reasons.SaleNotFound);
        return group;
    }

    private static async Task<Results<Ok<LeaderboardResponse>, ProblemHttpResult>> GetLeaderboard(string id,
        [Description("Entries, 1-100 (default 10)."), WholeNumber(1, MaxLimit, DefaultLimit)] string? limit,
        ISaleStore sales, IOrderStore orders, TimeProvider clock, CancellationToken ct)
    {
        if (QueryLimit.TryParse(limit, DefaultLimit, MaxLimit, out var size) is { } invalid)
        {
            return invalid;
        }

        var sale = await SalesApi.FindAsync(id, sales, ct);
        if (sale is null)
        {
            return SalesApi.SaleNotFound();
        }

        return TypedResults.Ok(new LeaderboardResponse(sale.Id, await ReadAsync(orders, sale.Id, size, ct), clock.GetUtcNow()));
    }

    /// <summary>The first <paramref name="size"/> confirmed orders, ranked and masked: the API's and the dashboard's leaderboard.</summary>
    public static async Task<IReadOnlyList<LeaderboardEntry>> ReadAsync(IOrderStore orders, Guid saleId, int size, CancellationToken ct) =>
        (await orders.FirstConfirmedAsync(saleId, size, ct))
            .Select((o, i) => new LeaderboardEntry(i + 1, NameMask.Mask(o.Username), o.Quantity, o.PurchasedAt)).ToList();
}

/// <summary>One entry per confirmed order, ranked in purchase order.</summary>
public sealed record LeaderboardEntry(int Rank, string Buyer, int Quantity, DateTimeOffset PurchasedAt);

public sealed record LeaderboardResponse(Guid SaleId, IReadOnlyList<LeaderboardEntry> Items, DateTimeOffset ServerTime);
