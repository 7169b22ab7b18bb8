using System.ComponentModel.DataAnnotations;

namespace FlashSale.Storage;

public enum StorageMode
{
    /// <summary>One machine: in-memory ledger + SQLite. Nothing to install.</summary>
    Embedded,
    /// <summary>N instances: Redis decides, PostgreSQL records.</summary>
    Distributed,
}

public sealed class StorageOptions
{
    public const string Section = "Storage";

    public StorageMode Mode { get; set; } = StorageMode.Embedded;

    /// <summary>Folder for the SQLite database and the token signing key; created on first start.</summary>
    [Required]
    public string DataPath { get; set; } = "data";

    /// <summary>Most decisions committed in one SQLite transaction (one fsync).</summary>
    [Range(1, 10_000)]
    public int MaxBatchSize { get; set; } = 1024;

    /// <summary>Seed the demo sales when the store holds no sale.</summary>
    public bool SeedDemoData { get; set; } = true;
}
