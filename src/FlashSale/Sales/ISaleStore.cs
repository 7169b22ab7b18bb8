namespace FlashSale.Sales;

/// <summary>The record store's sales: SQLite embedded, PostgreSQL distributed.</summary>
public interface ISaleStore
{
    Task<IReadOnlyList<Sale>> ListAsync(CancellationToken ct);

    Task<Sale?> FindAsync(Guid id, CancellationToken ct);

    /// <summary>Inserts a sale; false when the sku is taken (a unique constraint decides, not a lookup).</summary>
    Task<bool> TryCreateAsync(Sale sale, CancellationToken ct);
}
