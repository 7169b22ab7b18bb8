using FlashSale.Orders;
using FlashSale.Sales;

namespace FlashSale.Purchasing;

/// <summary>
/// The decision port: the only writer of orders. Embedded: in-memory state per sale plus SQLite
/// group commit. Distributed: one Redis Lua script per attempt plus the PostgreSQL persister.
/// </summary>
public interface IPurchaseLedger
{
    /// <summary>Window → idempotency key → user limit → stock → reserve, atomically; returns after the order is durable.</summary>
    Task<PurchaseOutcome> PurchaseAsync(PurchaseAttempt attempt, CancellationToken ct);

    Task<StockLevel> GetStockAsync(Sale sale, CancellationToken ct);

    /// <summary>Makes a new or changed sale known to the ledger at once.</summary>
    Task SaleChangedAsync(Sale sale, CancellationToken ct);

    /// <summary>Cancels a confirmed order: its stock returns and the user may buy again. Idempotent.</summary>
    Task<CancelOutcome> CancelAsync(Guid orderId, string cancelledBy, CancellationToken ct);
}

public abstract record CancelOutcome
{
    private CancelOutcome() { }

    public sealed record Cancelled(Order Order) : CancelOutcome;

    public sealed record NotFound : CancelOutcome;

    public sealed record Unavailable(string Detail) : CancelOutcome;
}
