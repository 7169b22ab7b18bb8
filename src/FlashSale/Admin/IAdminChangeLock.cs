namespace FlashSale.Admin;

/// <summary>
/// Admin changes one at a time, everywhere the ledger and the record are shared. A change is several steps across
/// the record and the ledger (<see cref="SaleCommands"/>); two of them interleaved left the ledger wrong. Within one
/// instance a lock in memory is enough; instances sharing Redis and PostgreSQL need one all of them see, or an edit
/// on one instance and an edit on another could reach the ledger in the opposite order to the record (the record
/// ends at 5 units, the ledger sells 20: G1).
/// </summary>
public interface IAdminChangeLock
{
    /// <summary>Waits for the lock; disposing the result lets the next change in.</summary>
    Task<IAsyncDisposable> AcquireAsync(CancellationToken ct);
}

/// <summary>The embedded server: one process owns the record, so a lock in memory serializes every change.</summary>
public sealed class InProcessAdminChangeLock : IAdminChangeLock
{
    private readonly SemaphoreSlim _changing = new(1, 1);

    public async Task<IAsyncDisposable> AcquireAsync(CancellationToken ct)
    {
        await _changing.WaitAsync(ct);
        return new Held(_changing);
    }

    private sealed class Held(SemaphoreSlim changing) : IAsyncDisposable
    {
        private int _released;

        public ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                changing.Release();
            }

            return ValueTask.CompletedTask;
        }
    }
}
