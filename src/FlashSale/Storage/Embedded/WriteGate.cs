using Microsoft.Extensions.Options;

namespace FlashSale.Storage.Embedded;

/// <summary>
/// Decides whether new purchases may be taken at all: closed while the data folder is short of
/// space and for a cool-down after a failed commit. A closed gate fails closed with 503 before any
/// decision, so a full or failing disk never half-sells: nothing is reserved that cannot be written.
/// </summary>
public sealed class WriteGate(SqliteDatabase db, IOptions<StorageOptions> options, TimeProvider clock)
{
    private static readonly TimeSpan SpaceCheckInterval = TimeSpan.FromMilliseconds(250);
    private readonly StorageOptions _options = options.Value;
    private readonly string _folder = Path.GetDirectoryName(db.FilePath)!;
    private readonly long _spaceCheckEvery = (long)(SpaceCheckInterval.TotalSeconds * clock.TimestampFrequency);
    private long _closedUntilTicks;
    // When the next look at free space is due: at once, so the first purchase or probe looks. A "last looked at"
    // of long.MinValue does not work: now minus it overflows to a negative interval, and nothing ever looks.
    private long _spaceCheckDue = clock.GetTimestamp();
    private volatile bool _spaceLow;

    /// <summary>Null when purchases may be taken, else why not (for the 503's detail and readiness).</summary>
    public string? ClosedBecause()
    {
        var now = clock.GetUtcNow().UtcTicks;
        if (now < Interlocked.Read(ref _closedUntilTicks))
        {
            return "The store failed to write moments ago; nothing was bought. Purchases resume shortly.";
        }

        // Paced in real time, not by the sale clock, which tests fake and which may step back.
        var timestamp = clock.GetTimestamp();
        if (timestamp >= Interlocked.Read(ref _spaceCheckDue))
        {
            Interlocked.Exchange(ref _spaceCheckDue, timestamp + _spaceCheckEvery);
            _spaceLow = _options.MinFreeBytes > 0 && FreeBytes() < _options.MinFreeBytes;
        }

        return _spaceLow ? "The store is short of disk space; nothing was bought. Purchases resume when space returns." : null;
    }

    /// <summary>A commit failed: refuse new purchases for the cool-down, then let one batch try again.</summary>
    public void CommitFailed() =>
        Interlocked.Exchange(ref _closedUntilTicks, (clock.GetUtcNow() + _options.FailureCooldown).UtcTicks);

    private long FreeBytes()
    {
        try
        {
            return new DriveInfo(_folder).AvailableFreeSpace;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A folder that cannot be measured is treated as full: fail closed, not open.
            return 0;
        }
    }
}
