using FlashSale.Common;
using FlashSale.Purchasing;

namespace FlashSale.Web;

/// <summary>
/// The one table of what a buyer is told for each outcome. The form post shows it after the
/// redirect; the script gets the same texts from data attributes, so they never drift apart.
/// </summary>
public static class PurchaseMessages
{
    public const string Bought = "bought";

    /// <summary>
    /// A 202 (distributed): the order is decided and kept (in Redis, by a replica too), not yet in the record. It was told
    /// "confirmed" until 2026-12-06, which the order is only once recorded.
    /// </summary>
    public const string Pending = "pending";

    /// <summary>A 503 that cannot say whether the order went through (<see cref="PurchaseOutcome.Unavailable.OutcomeUnknown"/>).</summary>
    public const string OutcomeUnknown = "outcome_unknown";

    /// <summary>A <c>sold_out</c> for more units than are left, while some are (the ledger's "Only N left.").</summary>
    public const string NotEnoughLeft = "not_enough_left";

    /// <summary>A <c>limit_reached</c> for more units than the buyer may still add, while they may add some.</summary>
    public const string OverLimit = "over_limit";

    public static readonly IReadOnlyDictionary<string, Flash> All = new Dictionary<string, Flash>(StringComparer.Ordinal)
    {
        [Bought] = Flash.Ok("You got it! Your order is confirmed — see My orders."),
        [Pending] = Flash.Ok("You got it! Your order is taken and being recorded — it will be in My orders in a moment."),
        [Reasons.SoldOut] = Flash.Warn("Sold out — every unit has been taken. Sorry!"),
        [Reasons.LimitReached] = Flash.Warn("You already hold the most units one buyer may have in this sale."),
        [NotEnoughLeft] = Flash.Warn("Not that many units are left — choose a smaller quantity and try again."),
        [OverLimit] = Flash.Warn("That many would take you over the limit per buyer — choose a smaller quantity and try again."),
        [Reasons.PriceChanged] = Flash.Warn("The price changed since this page was shown, so nothing was bought. Buy again if you still want it at the price on the page now."),
        [Reasons.SaleNotStarted] = Flash.Warn("The sale has not started yet — wait for the countdown."),
        [Reasons.SaleEnded] = Flash.Warn("The sale has ended."),
        [Reasons.RateLimited] = Flash.Warn("Too many attempts — wait a moment and try again."),
        [Reasons.Unavailable] = Flash.Error("We could not take your order right now; nothing was bought. Please try again."),
        [OutcomeUnknown] = Flash.Error("We could not confirm your order right now — it may have gone through. Check My orders before you buy again."),
        [Reasons.SaleNotFound] = Flash.Error("This sale no longer exists."),
        [Reasons.ValidationFailed] = Flash.Error("That quantity is not allowed for this sale."),
    };

    /// <summary>
    /// The message code for an outcome of a purchase of <paramref name="quantity"/> units. A refusal of several units
    /// is told apart from "none left" / "none more allowed" by <see cref="PurchaseOutcome.Rejected.SomeStillPossible"/>:
    /// until 2026-12-06 both said "every unit has been taken" / "you already hold the most".
    /// </summary>
    public static string Code(PurchaseOutcome outcome, int quantity = 1) => outcome switch
    {
        PurchaseOutcome.Confirmed => Bought,
        PurchaseOutcome.Pending => Pending,
        PurchaseOutcome.Unavailable { OutcomeUnknown: true } => OutcomeUnknown,
        PurchaseOutcome.Unavailable => Reasons.Unavailable,
        PurchaseOutcome.Rejected r => r.Reason switch
        {
            PurchaseRejection.SoldOut => quantity > 1 && r.SomeStillPossible ? NotEnoughLeft : Reasons.SoldOut,
            PurchaseRejection.LimitReached => quantity > 1 && r.SomeStillPossible ? OverLimit : Reasons.LimitReached,
            // The key's first purchase reached the server with another quantity: it may have bought (docs/web.md).
            PurchaseRejection.IdempotencyKeyMismatch => OutcomeUnknown,
            PurchaseRejection.PriceChanged => Reasons.PriceChanged,
            PurchaseRejection.SaleNotStarted => Reasons.SaleNotStarted,
            PurchaseRejection.SaleEnded => Reasons.SaleEnded,
            PurchaseRejection.SaleNotFound => Reasons.SaleNotFound,
            _ => Reasons.ValidationFailed,
        },
        _ => Reasons.Unavailable,
    };

    public static Flash? Find(string? code) => code is not null && All.TryGetValue(code, out var flash) ? flash : null;
}
