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

    /// <summary>
    /// Whether reading stock leaves the process (Redis): only then does the public list keep what it read for a moment
    /// (<see cref="Sales.ListStockCache"/>). The embedded ledger's stock is in memory, and keeping it cost the list 15%
    /// (docs/benchmarks.md, "Reads").
    /// </summary>
    bool ReadsStockRemotely => false;

    /// <summary>
    /// The stock of several sales, in their order: what every list of sales (the shop's front page, the public and the
    /// admin lists) reads. A ledger that keeps stock remotely reads them together; this default asks one at a time.
    /// </summary>
    async Task<IReadOnlyList<StockLevel>> GetStocksAsync(IReadOnlyList<Sale> sales, CancellationToken ct)
    {
        var levels = new StockLevel[sales.Count];
        for (var i = 0; i < sales.Count; i++)
        {
            levels[i] = await GetStockAsync(sales[i], ct);
        }

        return levels;
    }

    /// <summary>
    /// The units <paramref name="userId"/> holds against the sale's limit per buyer, as the next decision counts them:
    /// confirmed orders and, distributed, orders decided but not yet recorded (still in Redis's outbox: a 202 pending).
    /// The store down, <see cref="Storage.StoreUnavailableException"/> (or another store failure): never a guess.
    /// </summary>
    Task<int> GetHeldAsync(Sale sale, string userId, CancellationToken ct);

    /// <summary>Makes a new or changed sale known to the ledger at once.</summary>
    Task SaleChangedAsync(Sale sale, CancellationToken ct);

    /// <summary>
    /// The terms the ledger decides the sale's purchases by now; null when it holds no state for it (distributed: not
    /// rebuilt yet, retired, lost; embedded: no book). Reconciliation compares them with the record's (<see cref="RecordedTerms"/>).
    /// </summary>
    Task<LedgerTerms?> GetTermsAsync(Guid saleId, CancellationToken ct);

    /// <summary>
    /// A started sale's new stock and end, taken atomically with its purchase decisions only if the sale has not ended by
    /// the ledger's clock (an ended sale is not reopened: buyers were already told so) and the units sold or being sold (a
    /// decision not yet committed included) fit the new stock; otherwise nothing changes and the answer says why.
    /// <see cref="SaleChangedAsync"/> takes any stock, leaving 0 when it is below what is sold, and a later raise then
    /// counted the sold units from the lowered stock: units sold twice (G1).
    /// </summary>
    Task<StockChange> TryChangeStockAsync(Sale changed, CancellationToken ct);

    /// <summary>
    /// Ends the sale early ("end now"), atomically with its purchase decisions: at <paramref name="end"/> (a millisecond,
    /// the record's precision), or, when a purchase already decided is timed at or after it, one millisecond after the
    /// latest such purchase. Returns the end taken, for the record to write. A purchase decided while the end was asked
    /// (its clock read, then its decision made before the end reached the ledger; or another instance's clock a little
    /// ahead) was sold under the old end and stored at or after the one asked: until 2026-12-07 that end was written
    /// anyway, and confirmed orders sat at or past the sale's recorded end (G6, an audit's flood against "end now").
    /// </summary>
    Task<DateTimeOffset> EndAsync(Sale sale, DateTimeOffset end, CancellationToken ct);

    /// <summary>Cancels a confirmed order: its stock returns and the user may buy again. Idempotent.</summary>
    Task<CancelOutcome> CancelAsync(Guid orderId, string cancelledBy, CancellationToken ct);

    /// <summary>
    /// Takes a sale out of trading before its record is deleted. Atomically with the sale's purchase
    /// decisions: true when no unit is sold or being sold, and from then on every attempt answers
    /// <c>sale_not_found</c>; false (nothing changes) otherwise. If the record then refuses the delete,
    /// <see cref="SaleChangedAsync"/> puts the sale back into trading unchanged.
    /// </summary>
    Task<bool> TryWithdrawSaleAsync(Sale sale, CancellationToken ct);

    /// <summary>Forgets a sale whose record was deleted (after <see cref="TryWithdrawSaleAsync"/>).</summary>
    Task SaleRemovedAsync(Guid saleId, CancellationToken ct);

    /// <summary>
    /// G4: for every sale in the record, compares the units the ledger counts as sold with the confirmed
    /// orders in the system of record, at a moment when no decision for that sale is in flight, and
    /// repairs the ledger from the record (sold, remaining and each buyer's holding) when <paramref name="repair"/> is
    /// true. It also compares the sale's terms in the ledger with the record's (<see cref="RecordedTerms"/>), and a repair
    /// gives the ledger the record's terms. The record is never changed. A sale that stays busy is reported with <c>Busy</c> and not repaired. Without
    /// <paramref name="repair"/> it only compares (the drift check, <c>GET /api/v1/admin/reconcile</c>; distributed, a sale
    /// whose Redis state is missing is rebuilt from the record first, as its next purchase would), and keeps no sale's
    /// purchases waiting while it reads the record.
    /// </summary>
    Task<IReadOnlyList<SaleReconciliation>> ReconcileAsync(bool repair, CancellationToken ct);

    /// <summary>Development only: forgets every sale and order, in the ledger and in the record. Accounts stay.</summary>
    Task ResetAsync(CancellationToken ct);
}

/// <summary>One sale's line in a reconciliation: <c>drift = ledgerSold - recordSold</c>.</summary>
/// <param name="SaleId">The sale.</param>
/// <param name="Sku">Its SKU.</param>
/// <param name="TotalStock">Its stock.</param>
/// <param name="RecordSold">Units in its confirmed orders, in the order record (the system of record).</param>
/// <param name="LedgerSold">Units the purchase ledger counts as sold (stock minus what it has left).</param>
/// <param name="Drift">ledgerSold − recordSold: positive, units no order holds are kept off sale; negative, units the record has sold could be sold again.</param>
/// <param name="Repaired">The ledger was rebuilt from the record (a POST reconcile only; a check never repairs).</param>
/// <param name="Busy">Selling too fast to read both at one moment: not compared, not repaired; check again.</param>
/// <param name="RecordOverStock">The record holds more units than the stock (G1 broken in the record itself): not repaired, since rebuilding from it would leave the stock below zero; cancel the orders in excess first.</param>
/// <param name="TermsDiffer">The ledger's terms of the sale (stock, limit per buyer, start, end, price, currency, or withdrawn for a delete) differed from the record's: an admin change interrupted between its steps, or one under way as it was read. Each instance's periodic check gives the ledger the record's terms by itself once no admin change is under way.</param>
/// <param name="TermsDifference">What differed, each field as "ledger → record" (e.g. <c>totalStock 100 → 300</c>); null when nothing did.</param>
/// <param name="TermsRepaired">The ledger was given the record's terms (a POST reconcile only).</param>
public sealed record SaleReconciliation(Guid SaleId, string Sku, int TotalStock, int RecordSold, int LedgerSold,
    int Drift, bool Repaired, bool Busy, bool RecordOverStock = false, bool TermsDiffer = false, string? TermsDifference = null,
    bool TermsRepaired = false);

public abstract record CancelOutcome
{
    private CancelOutcome() { }

    public sealed record Cancelled(Order Order) : CancelOutcome;

    public sealed record NotFound : CancelOutcome;

    /// <summary>Not finished (the store failed); the order stands, a repeated cancel finishes it. The ledger logs why.</summary>
    public sealed record Unavailable : CancelOutcome;
}
