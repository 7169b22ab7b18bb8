using FlashSale.Operations;
using Npgsql;

namespace FlashSale.Storage.Postgres;

/// <summary>
/// The reads <see cref="PostgresRequests"/> abandoned that are still running, and their cap: at their bound, or when their
/// request went away (on a healthy server such a read ends within milliseconds; on a frozen one it holds what the others do). On a frozen
/// PostgreSQL (SIGSTOP) each holds a pooled connection, and once its command times out a thread-pool thread for Npgsql's
/// cancel request, until it ends (its command timeout and the cancel's connect <c>Timeout</c>, twice: ~35 s by default) or
/// the server answers. Until the ping marks the record down (~2 s) every new read would join them: a flood of reads took
/// the pool from the persister's writes (G3) and the threads from every request. At <see cref="Cap"/> a new read is not
/// started but answered 503 (<see cref="StoreUnavailableException"/>), until abandoned ones end.
/// </summary>
/// <remarks>
/// The cap is checked when a read starts, so the reads already running when it is reached may still be abandoned past it:
/// it bounds what a flood adds, not what was in flight.
/// </remarks>
internal sealed partial class AbandonedReads(int cap, ILogger log)
{
    /// <summary>At most one warning (event 3020) this often, counting the reads refused since the last one.</summary>
    internal static readonly TimeSpan LogEvery = TimeSpan.FromSeconds(10);

    private int _outstanding;
    private readonly FloodWarning _refusals = new(LogEvery, TimeProvider.System);

    /// <summary>A quarter of the pool (the persister, the purchases' record lookups, the ping need the rest), 1 to 8: each may hold a thread too.</summary>
    public static int CapFor(NpgsqlDataSource db) =>
        Math.Clamp(new NpgsqlConnectionStringBuilder(db.ConnectionString).MaxPoolSize / 4, 1, 8);

    public int Cap => cap;

    /// <summary>Abandoned reads not ended yet.</summary>
    public int Outstanding => Volatile.Read(ref _outstanding);

    /// <summary>A read about to start: refused (503) while <see cref="Cap"/> abandoned reads are still running.</summary>
    public void ThrowIfFull()
    {
        var outstanding = Outstanding;
        if (outstanding < cap)
        {
            return;
        }

        if (_refusals.Count() is > 0 and var refused)
        {
            LogRefusing(refused, outstanding, cap);
        }

        throw new StoreUnavailableException(
            $"{outstanding} reads of PostgreSQL abandoned (at Distributed:RequestCommandTimeout, or when their request went away) are still running, the most allowed ({cap}); this read was not started.");
    }

    public void Add() => Interlocked.Increment(ref _outstanding);

    public void Ended() => Interlocked.Decrement(ref _outstanding);

    [LoggerMessage(EventId = 3020, Level = LogLevel.Warning, Message = "{Refused} reads of PostgreSQL refused (503) without being started since the last such line: {Outstanding} reads abandoned (at Distributed:RequestCommandTimeout, or when their request went away) are still running, the most allowed ({Cap}: a quarter of the pool's Max Pool Size, at most 8). PostgreSQL is frozen or far too slow; they end at their command timeout or when it answers")]
    private partial void LogRefusing(long refused, int outstanding, int cap);
}
