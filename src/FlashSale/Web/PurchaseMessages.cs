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

    /// <summary>A 503 that cannot say whether the order went through (<see cref="PurchaseOutcome.Unavailable.OutcomeUnknown"/>).</summary>
    public const string OutcomeUnknown = "outcome_unknown";

    public static readonly IReadOnlyDictionary<string, Flash> All = new Dictionary<string, Flash>(StringComparer.Ordinal)
    {
        [Bought] = Flash.Ok("You got it! Your order is confirmed — see My orders."),
        [Reasons.SoldOut] = Flash.Warn("Sold out — every unit has been taken. Sorry!"),
        [Reasons.LimitReached] = Flash.Warn("You already hold the most units one buyer may have in this sale."),
        [Reasons.SaleNotStarted] = Flash.Warn("The sale has not started yet — wait for the countdown."),
        [Reasons.SaleEnded] = Flash.Warn("The sale has ended."),
        [Reasons.RateLimited] = Flash.Warn("Too many attempts — wait a moment and try again."),
        [Reasons.Unavailable] = Flash.Error("We could not take your order right now; nothing was bought. Please try again."),
        [OutcomeUnknown] = Flash.Error("We could not confirm your order right now — it may have gone through. Check My orders before you buy again."),
        [Reasons.RequestInProgress] = Flash.Warn("Your purchase is still being processed — check My orders in a moment."),
        [Reasons.SaleNotFound] = Flash.Error("This sale no longer exists."),
        [Reasons.ValidationFailed] = Flash.Error("That quantity is not allowed for this sale."),
    };

    public static string Code(PurchaseOutcome outcome) => outcome switch
    {
        PurchaseOutcome.Confirmed or PurchaseOutcome.Pending => Bought,
        PurchaseOutcome.Unavailable { OutcomeUnknown: true } => OutcomeUnknown,
        PurchaseOutcome.Unavailable => Reasons.Unavailable,
        PurchaseOutcome.Rejected r => r.Reason switch
        {
            PurchaseRejection.SoldOut => Reasons.SoldOut,
            PurchaseRejection.LimitReached => Reasons.LimitReached,
            PurchaseRejection.SaleNotStarted => Reasons.SaleNotStarted,
            PurchaseRejection.SaleEnded => Reasons.SaleEnded,
            PurchaseRejection.RequestInProgress => Reasons.RequestInProgress,
            PurchaseRejection.SaleNotFound => Reasons.SaleNotFound,
            _ => Reasons.ValidationFailed,
        },
        _ => Reasons.Unavailable,
    };

    public static Flash? Find(string? code) => code is not null && All.TryGetValue(code, out var flash) ? flash : null;
}
