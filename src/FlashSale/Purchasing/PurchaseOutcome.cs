using FlashSale.Orders;

namespace FlashSale.Purchasing;

/// <summary>The decision on an attempt. Business outcomes are values, never exceptions.</summary>
public abstract record PurchaseOutcome
{
    private PurchaseOutcome() { }

    /// <summary>
    /// The answer to a retry with an <c>Idempotency-Key</c> the ledger had already decided: the first outcome again, no
    /// new decision. Counted apart in the metrics (<c>outcome="replayed"</c> for an order), so a retried purchase is one.
    /// </summary>
    public bool IsReplay { get; init; }

    /// <summary>This outcome marked as the answer to a retry (<see cref="IsReplay"/>).</summary>
    public PurchaseOutcome AsReplay() => IsReplay ? this : this with { IsReplay = true };

    /// <summary>Decided and committed to the system of record (201).</summary>
    public sealed record Confirmed(Order Order) : PurchaseOutcome;

    /// <summary>Decided, not yet committed to the system of record; it will be (202, distributed only).</summary>
    public sealed record Pending(Order Order) : PurchaseOutcome;

    /// <summary>
    /// Refused. A <c>sold_out</c> says how many units are left (<see cref="Remaining"/>), a <c>limit_reached</c> how many
    /// the buyer holds of how many allowed (<see cref="Held"/>, <see cref="Limit"/>): the 409's extension members
    /// (docs/api.md), so clients read numbers, never the wording of <see cref="Detail"/>; a <c>price_changed</c> the price
    /// now (<see cref="UnitPrice"/>, <see cref="Currency"/>); a <c>sale_not_started</c> or <c>sale_ended</c> the time
    /// (<see cref="StartsAt"/>, <see cref="EndsAt"/>). Every such refusal is built by its factory here, which sets them;
    /// other reasons leave them null.
    /// </summary>
    public sealed record Rejected(PurchaseRejection Reason, string Detail) : PurchaseOutcome
    {
        // The sold-out short-circuit's answer, shared: the late crowd's refusals allocate no outcome.
        private static readonly Rejected NoneLeft = new(PurchaseRejection.SoldOut, "Sold out.") { Remaining = 0 };

        /// <summary><c>sold_out</c>: units left (≥ 0, fewer than asked for).</summary>
        public int? Remaining { get; private init; }

        /// <summary><c>limit_reached</c>: units the buyer holds in this sale.</summary>
        public int? Held { get; private init; }

        /// <summary><c>limit_reached</c>: the sale's limit per buyer.</summary>
        public int? Limit { get; private init; }

        /// <summary><c>sale_not_started</c>: when it starts.</summary>
        public DateTimeOffset? StartsAt { get; private init; }

        /// <summary><c>sale_ended</c>: when it ended.</summary>
        public DateTimeOffset? EndsAt { get; private init; }

        /// <summary><c>price_changed</c>: the sale's price now.</summary>
        public decimal? UnitPrice { get; private init; }

        /// <summary><c>price_changed</c>: the sale's currency now.</summary>
        public string? Currency { get; private init; }

        /// <summary>
        /// A <c>sold_out</c> with units still left, or a <c>limit_reached</c> with units the buyer may still add — too
        /// many asked for, not none to be had (the shop's messages tell them apart).
        /// </summary>
        public bool SomeStillPossible => Reason switch
        {
            PurchaseRejection.SoldOut => Remaining > 0,
            PurchaseRejection.LimitReached => Held < Limit,
            _ => false,
        };

        /// <summary>An unknown sale (or one being deleted): one shared refusal.</summary>
        public static Rejected NoSuchSale() => Unknown;

        private static readonly Rejected Unknown = new(PurchaseRejection.SaleNotFound, Common.ApiProblem.NoSuchSale);

        /// <summary>More units asked for than are left: the ledgers' one wording of it.</summary>

        public static Rejected SoldOut(int remaining) => remaining <= 0
            ? NoneLeft
            : new(PurchaseRejection.SoldOut, $"Only {remaining} left.") { Remaining = remaining };

        /// <summary>
        /// A quantity outside 1..limit: the ledgers' one wording of it ("between 1 and 1" for a limit of one until 2026-12-07),
        /// the <c>errors</c> message of <c>quantity</c>, so it completes the field's name as every such message does (it
        /// began "Quantity must…" until 2026-12-07).
        /// </summary>
        public static Rejected QuantityOutOfRange(int limit) => new(PurchaseRejection.QuantityOutOfRange,
            limit == 1 ? "must be 1 for this sale." : $"must be between 1 and {limit} for this sale.");

        /// <summary>
        /// Before the window: the ledgers' one wording of it, to the second in UTC, and the time itself for clients. Until
        /// 2026-12-07 only the detail said it, as "2026-12-07T09:34:26.1090000+00:00".
        /// </summary>
        public static Rejected NotStarted(DateTimeOffset startsAt) =>
            new(PurchaseRejection.SaleNotStarted, $"The sale starts at {Utc(startsAt)}.") { StartsAt = startsAt };

        /// <summary>After the window: as <see cref="NotStarted"/>.</summary>
        public static Rejected Ended(DateTimeOffset endsAt) =>
            new(PurchaseRejection.SaleEnded, $"The sale ended at {Utc(endsAt)}.") { EndsAt = endsAt };

        /// <summary>A window's time in a refusal's detail: the purchase's, and the admin's (SaleRefusal) since 2026-12-07.</summary>
        internal static string Utc(DateTimeOffset at) =>
            at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", System.Globalization.CultureInfo.InvariantCulture);

        /// <summary>The sale's price is not the one the attempt expected: the ledgers' one wording of it.</summary>
        public static Rejected PriceChanged(decimal price, string currency) =>
            new(PurchaseRejection.PriceChanged, $"The price is now {Common.Money.Text(price, currency)}.")
            {
                UnitPrice = price, Currency = currency,
            };

        /// <summary>More units asked for than the buyer may still add: the ledgers' one wording of it.</summary>
        public static Rejected LimitReached(int held, int limit) =>
            new(PurchaseRejection.LimitReached, $"You hold {held} of the {limit} allowed per buyer.") { Held = held, Limit = limit };
    }

    /// <summary>
    /// What a purchase is told while the shop's change of the sale is written (the ledger holds the sale shut, its window
    /// applied as <c>startsAt = endsAt</c>: SaleCommands.UpdateAsync): a few milliseconds, or until the record answers
    /// again after a failed write. Until 2026-12-07 it was <c>sale_not_started</c>, with (since that day) a <c>startsAt</c>
    /// that was the sale's end: a review found clients told to wait for the end of a sale on now.
    /// </summary>
    public static Unavailable BeingChanged { get; } =
        new("The shop is changing this sale right now; nothing was bought. Try again in a moment.");

    /// <summary>
    /// 503. Usually nothing was decided (or the decision was rolled back): nothing was bought. With
    /// <paramref name="OutcomeUnknown"/> this answer cannot say: the ledger may have decided and its answer was lost, or
    /// the key's order exists and could not be read. Only a retry with the same Idempotency-Key learns which.
    /// </summary>
    public sealed record Unavailable(string Detail, bool OutcomeUnknown = false) : PurchaseOutcome;
}

public enum PurchaseRejection
{
    SaleNotFound,
    SaleNotStarted,
    SaleEnded,
    SoldOut,
    LimitReached,
    /// <summary>Quantity outside 1..perUserLimit of this sale: a validation error (400).</summary>
    QuantityOutOfRange,
    IdempotencyKeyMismatch,
    /// <summary>The sale's price or currency is not the one the buyer was shown (409 <c>price_changed</c>).</summary>
    PriceChanged,
}
