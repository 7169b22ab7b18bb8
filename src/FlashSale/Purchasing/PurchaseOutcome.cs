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

    public sealed record Rejected(PurchaseRejection Reason, string Detail) : PurchaseOutcome;

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
