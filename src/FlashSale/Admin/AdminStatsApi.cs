using FlashSale.Accounts;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FlashSale.Admin;

public static class AdminStatsApi
{
    public static RouteGroupBuilder MapAdminStats(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/admin/stats").WithTags("Admin").RequireAuthorization(AuthSetup.AdminPolicy);
        group.MapGet("/", GetStats).WithName("AdminStats")
            .WithSummary("Totals, top products, revenue by day (last 7 UTC days) and per-sale sell-through, in one call.");
        return group;
    }

    private static async Task<Ok<StatsResponse>> GetStats(IStatsStore stats, TimeProvider clock, CancellationToken ct)
    {
        var (_, report) = await StatsReport.ReadAsync(stats, clock.GetUtcNow(), ct);
        return TypedResults.Ok(report);
    }
}
