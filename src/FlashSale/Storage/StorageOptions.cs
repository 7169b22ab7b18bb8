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

    /// <summary>
    /// Below this much free space in the data folder, purchases are refused (503) before they are
    /// decided: better to stop selling than to find out at commit time that the disk is full.
    /// </summary>
    [Range(0, long.MaxValue)]
    public long MinFreeBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>After a failed commit, new purchases are refused for this long before one is tried again.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan FailureCooldown { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Seed the demo sales when the store holds no sale.</summary>
    public bool SeedDemoData { get; set; } = true;
}
