using FlashSale.Accounts;
using FlashSale.Common;
using FlashSale.Operations;
using FlashSale.Orders;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FlashSale.Purchasing;

public static class PurchasesApi
{
    /// <summary>The endpoint name the rate-limit rules refer to (purchase-per-user); the web buy form is counted under it too.</summary>
    public const string PurchaseName = "Purchase";

    public static RouteGroupBuilder MapPurchases(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/sales/{id}/purchases").WithTags("Purchasing").RequireAuthorization();
        group.MapPost("/", Purchase).WithName(PurchaseName)
            .PurchaseOnStoreFailure(context => ValueTask.FromResult(context.Request.Headers.ContainsKey(IdempotencyKeys.Header)))
            .WithSummary("Buys units of a sale. Safe to retry with the same Idempotency-Key.")
            .ReadsJson<PurchaseRequest>()
            .ReadsHeader(IdempotencyKeys.Header, "Makes the purchase safe to retry: a retry with the same key (and body) never buys "
                + "twice. A key is scoped to (buyer, sale): the same key on another sale or from another buyer is a new purchase. "
                + "It answers the key's order, or its `sold_out` / `limit_reached` refusal (kept `Distributed:DecisionTtl`, "
                + "24 h, in distributed mode; until a restart in embedded mode); a refusal that can change (not started, ended, a "
                + "quantity) is decided afresh, and a retry made while the first is still being decided waits for its answer. The "
                + "same key with another body is `idempotency_key_mismatch`. "
                + "1–100 letters, digits, '-' or '_' (else `invalid_idempotency_key`).", IdempotencyKeys.Pattern, IdempotencyKeys.MaxLength)
            .Refuses(StatusCodes.Status400BadRequest, Reasons.InvalidIdempotencyKey, Reasons.ValidationFailed)
            .Refuses(StatusCodes.Status404NotFound, Reasons.SaleNotFound)
            .Refuses(StatusCodes.Status409Conflict, Reasons.SoldOut, Reasons.LimitReached, Reasons.SaleNotStarted, Reasons.SaleEnded,
                Reasons.PriceChanged)
            .ExplainsProblem(StatusCodes.Status409Conflict,
                "`sold_out` says how many units are left in `remaining`; `limit_reached` how many the buyer holds in `held`, of `limit` allowed; "
                + "`sale_not_started` when it starts in `startsAt`, `sale_ended` when it ended in `endsAt`; "
                + "`price_changed` (the body's `expectedUnitPrice` or `expectedCurrency` is not the sale's: nothing was bought) the price now in "
                + "`unitPrice` and `currency`.")
            .Refuses(StatusCodes.Status422UnprocessableEntity, Reasons.IdempotencyKeyMismatch)
            .ExplainsProblem(StatusCodes.Status503ServiceUnavailable,
                "Refused before anything was decided, nothing was bought; unless the problem says `outcomeUnknown: true`: "
                + "then the order may exist, and a retry with the same Idempotency-Key tells.");
        group.MapGet("/me", MyPurchases).WithName("MyPurchasesInSale").WithSummary("The caller's orders in one sale.")
            .Refuses(StatusCodes.Status404NotFound, Reasons.SaleNotFound);
        return group;
    }

    private static async Task<Results<Created<OrderResponse>, Accepted<OrderResponse>, ProblemHttpResult>> Purchase(
        string id, HttpContext context, IPurchaseLedger ledger, PurchaseAdmission admission, FlashSaleMetrics metrics,
        CancellationToken ct)
    {
        if (!RouteIds.TryParse(id, out var saleId))
        {
            return ApiProblem.SaleNotFound();
        }

        string? key = null;
        var keys = context.Request.Headers[IdempotencyKeys.Header];
        if (keys.Count > 1 || (keys.Count == 1 && !IdempotencyKeys.IsValid(keys[0]!)))
        {
            return ApiProblem.Create(StatusCodes.Status400BadRequest, Reasons.InvalidIdempotencyKey,
                "The Idempotency-Key header is not valid.", "Send one key of 1–100 characters: letters, digits, '-' or '_'.");
        }
        else if (keys.Count == 1)
        {
            key = keys[0];
        }

        var body = await StrictJson.ReadAsync<PurchaseRequest>(context.Request, ct);
        if (body.Problem is not null)
        {
            return body.Problem;
        }

        if (body.Value!.Problems() is { } problems)
        {
            return ApiProblem.Validation(problems);
        }

        using var ticket = admission.TryEnter();
        if (ticket is null)
        {
            metrics.Purchase("shed", TimeSpan.Zero);
            return ApiProblem.Unavailable(context, "Too many purchases at once; nothing was bought. Try again in a moment.");
        }

        var user = context.User;
        var attempt = new PurchaseAttempt(saleId, user.UserId(), user.DisplayName(), body.Value!.Quantity, key,
            body.Value.ExpectedUnitPrice, body.Value.ExpectedCurrency);
        // No cancellation token past this point: a decision, once started, is carried through even if the client leaves.
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var outcome = await ledger.PurchaseAsync(attempt, CancellationToken.None);
        metrics.Purchase(PurchaseResults.OutcomeName(outcome), System.Diagnostics.Stopwatch.GetElapsedTime(started));
        return PurchaseResults.ToHttp(outcome, context);
    }

    private static async Task<Results<Ok<MySalePurchasesResponse>, ProblemHttpResult>> MyPurchases(string id,
        HttpContext context, Sales.ISaleStore sales, IOrderStore orders, IPurchaseLedger ledger, CancellationToken ct)
    {
        var sale = await Sales.SalesApi.FindAsync(id, sales, ct);
        if (sale is null)
        {
            return Sales.SalesApi.SaleNotFound();
        }

        var user = context.User.UserId();
        var mine = await orders.ListByUserAndSaleAsync(user, sale.Id, ct);
        // The ledger's count, what the next purchase is judged by: distributed, an order decided in Redis and not yet in
        // the record (202 pending) already counts, though the record's list lacks it. Until 2026-12-06 this summed the
        // record's confirmed orders, so a buyer shown quantity < perUserLimit could be refused limit_reached.
        var held = await ledger.GetHeldAsync(sale, user, ct);
        return TypedResults.Ok(new MySalePurchasesResponse(sale.Id, held, sale.PerUserLimit,
            mine.Select(OrderResponse.From).ToList()));
    }
}
