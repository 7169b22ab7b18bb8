using FlashSale.Orders;

namespace FlashSale.Purchasing;

/// <summary>The decision on an attempt. Business outcomes are values, never exceptions.</summary>
public abstract record PurchaseOutcome
{
    private PurchaseOutcome() { }

    /// <summary>Decided and committed to the system of record (201).</summary>
    public sealed record Confirmed(Order Order) : PurchaseOutcome;

    /// <summary>Decided, not yet committed to the system of record; it will be (202, distributed only).</summary>
    public sealed record Pending(Order Order) : PurchaseOutcome;

    /// <summary>
    /// Refused. <paramref name="SomeStillPossible"/>: a <c>sold_out</c> with units still left, or a <c>limit_reached</c>
    /// with units the buyer may still add — too many asked for, not none to be had (the shop's messages tell them apart).
    /// </summary>
    public sealed record Rejected(PurchaseRejection Reason, string Detail, bool SomeStillPossible = false) : PurchaseOutcome
    {
        /// <summary>More units asked for than are left: the ledgers' one wording of it.</summary>
        public static Rejected SoldOut(long remaining) =>
            new(PurchaseRejection.SoldOut, remaining == 0 ? "Sold out." : $"Only {remaining} left.", remaining > 0);

        /// <summary>More units asked for than the buyer may still add: the ledgers' one wording of it.</summary>
        public static Rejected LimitReached(long held, long limit) =>
            new(PurchaseRejection.LimitReached, $"You hold {held} of the {limit} allowed per buyer.", held < limit);
    }

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
    RequestInProgress,
}
