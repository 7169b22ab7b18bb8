namespace FlashSale.Storage;

/// <summary>Brings a store up to date and rebuilds in-memory state before the server takes traffic.</summary>
public interface IStoreInitializer
{
    /// <summary>Applies the versioned schema migrations.</summary>
    Task MigrateAsync(CancellationToken ct);

    /// <summary>Rebuilds whatever the ledger keeps outside the record (embedded: the books; distributed: missing Redis state, and the record's terms for the rest).</summary>
    Task LoadAsync(CancellationToken ct);
}
