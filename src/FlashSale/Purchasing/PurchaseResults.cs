using FlashSale.Common;
using FlashSale.Orders;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FlashSale.Purchasing;

/// <summary>Maps a ledger outcome to its HTTP answer: one place decides every status and reason.</summary>
public static class PurchaseResults
{
    public static Results<Created<OrderResponse>, Accepted<OrderResponse>, ProblemHttpResult> ToHttp(
        PurchaseOutcome outcome, HttpContext context) => outcome switch
    {
        PurchaseOutcome.Confirmed c => TypedResults.Created(OrderLocation(c.Order.Id), OrderResponse.From(c.Order)),
        PurchaseOutcome.Pending p => TypedResults.Accepted(OrderLocation(p.Order.Id),
            OrderResponse.From(p.Order with { Status = OrderStatus.Pending })),
        PurchaseOutcome.Rejected r => Rejected(r),
        PurchaseOutcome.Unavailable u => ApiProblem.Unavailable(context, u.Detail, extensions: u.OutcomeUnknown ? OutcomeUnknown : null),
        _ => throw new InvalidOperationException("Unknown outcome."),
    };

    /// <summary>A 503 that cannot say whether anything was bought; without it, a purchase's 503 bought nothing (docs/api.md).</summary>
    internal static readonly IDictionary<string, object?> OutcomeUnknown = new Dictionary<string, object?> { ["outcomeUnknown"] = true };

    private static ProblemHttpResult Rejected(PurchaseOutcome.Rejected rejected) => rejected.Reason switch
    {
        PurchaseRejection.SaleNotFound => ApiProblem.SaleNotFound(),
        PurchaseRejection.SaleNotStarted => At(Conflict(Reasons.SaleNotStarted, "The sale has not started.", rejected.Detail),
            "startsAt", rejected.StartsAt),
        PurchaseRejection.SaleEnded => At(Conflict(Reasons.SaleEnded, "The sale has ended.", rejected.Detail), "endsAt", rejected.EndsAt),
        PurchaseRejection.SoldOut => With(Conflict(Reasons.SoldOut, "Sold out.", rejected.Detail),
            "remaining", rejected.Remaining),
        PurchaseRejection.LimitReached => With(Conflict(Reasons.LimitReached, "You have reached this sale's limit per buyer.", rejected.Detail),
            "held", rejected.Held, "limit", rejected.Limit),
        PurchaseRejection.PriceChanged => PriceChanged(rejected),
        PurchaseRejection.QuantityOutOfRange => ApiProblem.Validation("quantity", rejected.Detail),
        PurchaseRejection.IdempotencyKeyMismatch => ApiProblem.Create(StatusCodes.Status422UnprocessableEntity,
            Reasons.IdempotencyKeyMismatch, "This Idempotency-Key was used with a different request.", rejected.Detail),
        _ => throw new InvalidOperationException("Unknown rejection."),
    };

    /// <summary>
    /// A window refusal's time as an extension member, written as the sale's own <c>startsAt</c> / <c>endsAt</c> are: a
    /// purchase's, and the admin's (SaleRefusal).
    /// </summary>
    internal static ProblemHttpResult At(ProblemHttpResult result, string name, DateTimeOffset? at)
    {
        if (at is { } value)
        {
            result.ProblemDetails.Extensions[name] = value;
        }

        return result;
    }

    private static ProblemHttpResult PriceChanged(PurchaseOutcome.Rejected rejected)
    {
        var result = Conflict(Reasons.PriceChanged, "The price has changed.", rejected.Detail);
        result.ProblemDetails.Extensions["unitPrice"] = rejected.UnitPrice;
        result.ProblemDetails.Extensions["currency"] = rejected.Currency;
        return result;
    }

    private static ProblemHttpResult Conflict(string reason, string title, string detail) =>
        ApiProblem.Create(StatusCodes.Status409Conflict, reason, title, detail);

    /// <summary>
    /// A 409's numbers as extension members (<c>remaining</c>; <c>held</c>, <c>limit</c>), put straight into the problem's
    /// own dictionary: no second dictionary to copy, and small counts are boxed once (a sold-out answer is the hot path).
    /// </summary>
    private static ProblemHttpResult With(ProblemHttpResult result, string name, int? value, string? name2 = null, int? value2 = null)
    {
        var extensions = result.ProblemDetails.Extensions;
        if (value is { } v)
        {
            extensions[name] = Boxed(v);
        }

        if (name2 is not null && value2 is { } v2)
        {
            extensions[name2] = Boxed(v2);
        }

        return result;
    }

    private static readonly object[] SmallCounts = Enumerable.Range(0, 101).Select(static n => (object)n).ToArray();

    private static object Boxed(int count) => (uint)count < (uint)SmallCounts.Length ? SmallCounts[count] : count;

    /// <summary>
    /// The outcome as a metric tag: the reason for rejections, else created/pending/unavailable; <c>replayed</c> for a
    /// retry answered with its key's earlier order (201 or 202 again), so <c>created</c> counts each order once.
    /// </summary>
    public static string OutcomeName(PurchaseOutcome outcome) => outcome switch
    {
        PurchaseOutcome.Confirmed or PurchaseOutcome.Pending when outcome.IsReplay => "replayed",
        PurchaseOutcome.Confirmed => "created",
        PurchaseOutcome.Pending => "pending",
        PurchaseOutcome.Unavailable => Reasons.Unavailable,
        PurchaseOutcome.Rejected { Reason: var reason } => reason switch
        {
            PurchaseRejection.SaleNotFound => Reasons.SaleNotFound,
            PurchaseRejection.SaleNotStarted => Reasons.SaleNotStarted,
            PurchaseRejection.SaleEnded => Reasons.SaleEnded,
            PurchaseRejection.SoldOut => Reasons.SoldOut,
            PurchaseRejection.LimitReached => Reasons.LimitReached,
            PurchaseRejection.IdempotencyKeyMismatch => Reasons.IdempotencyKeyMismatch,
            PurchaseRejection.PriceChanged => Reasons.PriceChanged,
            _ => Reasons.ValidationFailed,
        },
        _ => "unknown",
    };

    public static string OrderLocation(Guid orderId) => $"/api/v1/me/orders/{orderId:D}";
}
