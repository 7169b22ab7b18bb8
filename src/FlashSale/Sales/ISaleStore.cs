namespace FlashSale.Sales;

/// <summary>The record store's sales: SQLite embedded, PostgreSQL distributed.</summary>
public interface ISaleStore
{
    Task<IReadOnlyList<Sale>> ListAsync(CancellationToken ct);

    /// <summary>The sale, possibly as remembered since its last write (buyers' reads: the page, the stock, the feed).</summary>
    Task<Sale?> FindAsync(Guid id, CancellationToken ct);

    /// <summary>
    /// The sale as the record holds it now, never a remembered copy: for a read that a write or the ledger builds on
    /// (an admin's change, the distributed ledger's rebuild), where another instance's write of a moment ago counts.
    /// The embedded store has no other writer, so its remembered copy is the record's.
    /// </summary>
    Task<Sale?> FindLatestAsync(Guid id, CancellationToken ct) => FindAsync(id, ct);

    /// <summary>Inserts a sale; false when the sku is taken (a unique constraint decides, not a lookup).</summary>
    Task<bool> TryCreateAsync(Sale sale, CancellationToken ct);

    /// <summary>
    /// Replaces every field of the sale with <paramref name="changed"/>'s (matched by id; <c>CreatedAt</c> is
    /// kept) only while the sale has no order at all, confirmed or cancelled, and, when <paramref name="notEndedAt"/> is
    /// given (a started sale's change), only while its recorded end is later than that. Both conditions are part of the
    /// same statement (<c>UPDATE … WHERE NOT EXISTS (orders of the sale) AND ends_at > …</c>), not a prior read.
    /// </summary>
    /// <returns><see cref="SaleWriteResult.Done"/>, <see cref="SaleWriteResult.NotFound"/>,
    /// <see cref="SaleWriteResult.HasOrders"/>, <see cref="SaleWriteResult.Ended"/> (only with <paramref name="notEndedAt"/>;
    /// orders are reported first), or <see cref="SaleWriteResult.SkuTaken"/> (unique constraint).</returns>
    Task<SaleWriteResult> TryUpdateAsync(Sale changed, DateTimeOffset? notEndedAt, CancellationToken ct);

    /// <summary>
    /// A started sale's stock and end, the terms that may still change once it trades (SaleCommands): written only while
    /// the sale has not ended at <paramref name="now"/>, in the same statement. Distributed, the same statement also holds
    /// the stock at or above the record's confirmed units, under the lock the persister's insert takes; embedded, the
    /// ledger is the record's only writer and its count (checked first, <c>IPurchaseLedger.TryChangeStockAsync</c>) is
    /// exact, and summing a sale's orders there would hold the group commit.
    /// </summary>
    /// <returns><see cref="SaleWriteResult.Done"/>, <see cref="SaleWriteResult.NotFound"/>, <see cref="SaleWriteResult.Ended"/>
    /// or <see cref="SaleWriteResult.StockBelowSold"/>.</returns>
    Task<SaleWriteResult> TryChangeStockAsync(Guid id, int totalStock, DateTimeOffset endsAt, DateTimeOffset now, CancellationToken ct);

    /// <summary>
    /// Ends a sale early: <c>ends_at = min(ends_at, at)</c> and <c>starts_at = min(starts_at, at)</c> (an upcoming
    /// sale ended early never opens). Allowed with orders. Returns the sale as stored afterwards, or null; read in the
    /// end's own statement or transaction, so nothing can fail once the end is committed.
    /// </summary>
    Task<Sale?> EndAsync(Guid id, DateTimeOffset at, CancellationToken ct);

    /// <summary>
    /// Deletes a sale only while it has no order at all (confirmed or cancelled: orders keep their
    /// history). The condition is part of the delete statement.
    /// </summary>
    Task<SaleWriteResult> TryDeleteAsync(Guid id, CancellationToken ct);
}

/// <summary>The outcome of a conditional write to a sale.</summary>
public enum SaleWriteResult
{
    Done,
    NotFound,
    HasOrders,
    SkuTaken,

    /// <summary>The sale had ended (<see cref="ISaleStore.TryChangeStockAsync"/>, <see cref="ISaleStore.TryUpdateAsync"/>).</summary>
    Ended,

    /// <summary>The record holds more confirmed units than the new stock (<see cref="ISaleStore.TryChangeStockAsync"/>).</summary>
    StockBelowSold,
}
