using FlashSale.Accounts;
using FlashSale.Common;
using FlashSale.Purchasing;
using FlashSale.Sales;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FlashSale.Admin;

public static class AdminOpsApi
{
    public static RouteGroupBuilder MapAdminOps(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/admin").WithTags("Admin").RequireAuthorization(AuthSetup.AdminPolicy).AuditWrites();
        group.MapGet("/reconcile", CheckDrift).WithName("CheckDrift")
            .WithSummary("Compares every sale's sold units in the ledger with the order records and reports drift, and its terms in the ledger with the record's (termsDiffer), repairing nothing (distributed: a sale whose Redis state is missing is rebuilt from the record first, as its next purchase would).");
        group.MapPost("/reconcile", Reconcile).WithName("Reconcile")
            .WithSummary("Recomputes every sale's sold units from the order records, reports drift and repairs the ledger; a sale whose terms in the ledger differ from the record's is given the record's.")
            .MayHaveWrittenOnStoreFailure("A store was unavailable partway: some sales may have been repaired. Reconcile again: it is safe to repeat.");
        group.MapPost("/reset", Reset).WithName("Reset")
            .WithSummary("Development only: wipes sales and orders and re-creates the demo sales.")
            .ExplainsProblem(StatusCodes.Status404NotFound,
                "In any environment but Development, to the admin, as if the route did not exist (others get 401/403 first, as on every admin route).")
            .Refuses(StatusCodes.Status404NotFound, Reasons.NotFound);
        return group;
    }

    private static async Task<Ok<ReconcileResponse>> Reconcile(DriftWatch watch, TimeProvider clock)
    {
        // Carried through even if the client leaves: a half-done repair helps nobody.
        return Report(await watch.ReconcileAsync(repair: true, CancellationToken.None), clock);
    }

    /// <summary>The same comparison as the repair's, changing nothing: for a look before deciding, and for monitors.</summary>
    private static async Task<Ok<ReconcileResponse>> CheckDrift(DriftWatch watch, TimeProvider clock, CancellationToken ct) =>
        Report(await watch.ReconcileAsync(repair: false, ct), clock);

    private static Ok<ReconcileResponse> Report(IReadOnlyList<SaleReconciliation> items, TimeProvider clock)
    {
        return TypedResults.Ok(new ReconcileResponse(clock.GetUtcNow(), items.Count, items.Count(i => i.Drift != 0),
            items.Count(i => i.Repaired), items.Count(i => i.TermsDiffer), items));
    }

    private static async Task<Results<Ok<SaleListResponse>, ProblemHttpResult>> Reset(IHostEnvironment environment,
        SaleCommands commands, ISaleStore sales, IPurchaseLedger ledger, TimeProvider clock)
    {
        if (!environment.IsDevelopment())
        {
            // Answered as if the route did not exist: production does not advertise a wipe.
            return ApiProblem.NotFound(Reasons.NotFound, "Not found.");
        }

        await commands.ResetAsync(CancellationToken.None);
        var now = clock.GetUtcNow();
        var all = await sales.ListAsync(CancellationToken.None);
        var stocks = await ledger.GetStocksAsync(all, CancellationToken.None);
        return TypedResults.Ok(new SaleListResponse(all.Select((sale, i) => SaleResponse.From(sale, stocks[i], now)).ToList(), null, now));
    }
}

/// <summary>A reconciliation's report.</summary>
/// <param name="CheckedAt">When it ran.</param>
/// <param name="Sales">Sales compared (busy ones included).</param>
/// <param name="Drifted">Sales with a drift, busy ones included (theirs may be a reading of two moments; the drift gauge leaves them out).</param>
/// <param name="Repaired">Sales whose ledger was rebuilt from the record: always 0 for GET, which only compares.</param>
/// <param name="TermsDiffered">Sales whose terms in the ledger differed from the record's (for POST, given the record's: <c>termsRepaired</c>).</param>
/// <param name="Items">One line per sale.</param>
public sealed record ReconcileResponse(DateTimeOffset CheckedAt, int Sales, int Drifted, int Repaired, int TermsDiffered,
    IReadOnlyList<SaleReconciliation> Items);
