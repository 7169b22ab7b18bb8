using System.Threading.Channels;
using Microsoft.Extensions.Options;

namespace FlashSale.Storage.Embedded;

/// <summary>
/// Commits ledger writes to SQLite in batches: whatever queued while the previous commit was
/// being fsynced goes into the next transaction. One fsync then serves a whole crowd, and each
/// caller still learns only after its own write is on disk (G3).
/// </summary>
public sealed partial class GroupCommitter : IHostedService, IDisposable
{
    private readonly Channel<LedgerWrite> _queue = Channel.CreateUnbounded<LedgerWrite>(
        new UnboundedChannelOptions { SingleReader = true });
    private const int JoinYields = 8;
    private const int JoinBelow = 32;
    private readonly SqliteDatabase _db;
    private readonly BuyerOrders _buyers;
    private readonly int _maxBatch;
    private readonly ILogger<GroupCommitter> _log;
    private Task? _loop;
    // Orders committed since the totals last caught up (RecordTotals.cs); touched by the commit loop only.
    private long _uncounted;
    private long _uncountedSince;
    // When the last catch-up inside a batch failed (0: it did not): the batches wait CatchUpAfter before trying again.
    private long _catchUpFailedAt;
    private Task<bool>? _waiting;

    public GroupCommitter(SqliteDatabase db, BuyerOrders buyers, IOptions<StorageOptions> options, ILogger<GroupCommitter> log)
    {
        _buyers = buyers;
        _db = db;
        _maxBatch = options.Value.MaxBatchSize;
        _log = log;
    }

    /// <summary>Raised after every batch with its size and duration (for metrics).</summary>
    public event Action<int, TimeSpan, bool>? BatchCommitted;

    internal Task<int> WriteAsync(LedgerWrite write)
    {
        if (!_queue.Writer.TryWrite(write))
        {
            write.Fail(new InvalidOperationException("The store is shutting down."));
        }

        return write.Committed;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        // A thread of its own for the whole loop: SQLite calls block (an fsync, a busy wait behind an
        // admin write), and they must not hold thread-pool threads the requests need.
        _loop = Task.Factory.StartNew(Run, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        return Task.CompletedTask;
    }

    /// <summary>Stops taking writes and flushes what is queued, so a graceful stop loses nothing.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _queue.Writer.TryComplete();
        if (_loop is not null)
        {
            await _loop.WaitAsync(cancellationToken);
        }
    }

    private void Run()
    {
        using var session = new WriterSession(_db.OpenWriter());
        var batch = new List<LedgerWrite>(_maxBatch);
        var reader = _queue.Reader;
        // Orders left past the mark by a previous life (a crash, a kill) are counted first.
        CatchUpTotals(session);
        while (WaitForWrites(reader))
        {
            batch.Clear();
            while (batch.Count < _maxBatch && reader.TryRead(out var write))
            {
                batch.Add(write);
            }

            // On a busy core the requests that will join this batch are still being parsed by threads
            // waiting for this one: yielding a few times lets them in, and one fsync serves twice as many
            // orders (on one core: batches 26 -> 50 orders, +15-20% purchases/s, lower p99). Without
            // other work a yield returns at once, so a lone purchase loses microseconds.
            for (var y = 0; y < JoinYields && batch.Count > 0 && batch.Count < JoinBelow; y++)
            {
                Thread.Yield();
                while (batch.Count < _maxBatch && reader.TryRead(out var write))
                {
                    batch.Add(write);
                }
            }

            if (batch.Count > 0)
            {
                Commit(session, batch);
            }

            // Busy, the batches catch up themselves (Commit); this is for orders left when the traffic stops.
            if (_uncounted > 0 && System.Diagnostics.Stopwatch.GetElapsedTime(_uncountedSince) >= RecordTotals.CatchUpAfter)
            {
                CatchUpTotals(session);
            }
        }

        CatchUpTotals(session);
    }

    /// <summary>
    /// Blocks this thread until writes arrive; with orders waiting to be counted, at most until their
    /// catch-up is due. (Blocking is the point of the thread: nothing else runs on it.)
    /// </summary>
    private bool WaitForWrites(ChannelReader<LedgerWrite> reader)
    {
        if (reader.TryPeek(out _))
        {
            return true;
        }

        // One wait at a time: a single-reader channel cancels a waiter when a second one starts.
        var wait = _waiting ?? reader.WaitToReadAsync().AsTask();
        _waiting = null;
        if (_uncounted > 0)
        {
            var due = RecordTotals.CatchUpAfter - System.Diagnostics.Stopwatch.GetElapsedTime(_uncountedSince);
            var arrived = due > TimeSpan.Zero ? wait.Wait(due) : wait.IsCompleted;
            if (!arrived)
            {
                _waiting = wait;
                return true; // Due now: the loop commits nothing and catches up.
            }
        }

        return wait.GetAwaiter().GetResult();
    }

    private void CatchUpTotals(WriterSession session)
    {
        try
        {
            RecordTotals.CatchUp(session.Connection);
            _uncounted = 0;
        }
        catch (Exception ex)
        {
            // The stats still count every order (they add those past the mark); only their cost grows. Retried when due again.
            _uncountedSince = System.Diagnostics.Stopwatch.GetTimestamp();
            LogCatchUpFailed(ex);
        }
    }

    /// <summary>
    /// The catch-up inside the batch's transaction, behind a savepoint: if it fails, only it is undone
    /// and the batch commits without it (the orders stay past the mark, counted by the stats, and a
    /// batch tries again after <see cref="RecordTotals.CatchUpAfter"/>).
    /// </summary>
    private bool CatchUpWithin(WriterSession session, Microsoft.Data.Sqlite.SqliteTransaction tx)
    {
        const string Savepoint = "totals";
        tx.Save(Savepoint);
        try
        {
            RecordTotals.CatchUp(session.Connection, tx);
            tx.Release(Savepoint);
            _catchUpFailedAt = 0;
            return true;
        }
        catch (Microsoft.Data.Sqlite.SqliteException ex)
        {
            tx.Rollback(Savepoint);
            tx.Release(Savepoint);
            // Not again in the very next batch: a lasting fault would cost every batch a failed catch-up and a warning.
            _catchUpFailedAt = System.Diagnostics.Stopwatch.GetTimestamp();
            LogCatchUpFailed(ex);
            return false;
        }
    }

    private void Commit(WriterSession session, List<LedgerWrite> batch)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var rows = new int[batch.Count];
        var caughtUp = false;
        var adds = 0;
        var committed = false;
        try
        {
            using (var tx = session.Connection.BeginTransaction())
            {
                session.Transaction = tx;
                for (var i = 0; i < batch.Count; i++)
                {
                    rows[i] = batch[i].Apply(session);
                    adds += batch[i].AddsOrder ? rows[i] : 0;
                }

                if (_uncounted + adds >= RecordTotals.CatchUpAfterOrders
                    && (_catchUpFailedAt == 0 || System.Diagnostics.Stopwatch.GetElapsedTime(_catchUpFailedAt) >= RecordTotals.CatchUpAfter))
                {
                    caughtUp = CatchUpWithin(session, tx);
                }

                tx.Commit();
                committed = true;
            }

            for (var i = 0; i < batch.Count; i++)
            {
                batch[i].AfterCommit(_buyers);
            }

            if (caughtUp)
            {
                _uncounted = 0;
            }
            else if (adds > 0)
            {
                if (_uncounted == 0)
                {
                    _uncountedSince = started;
                }

                _uncounted += adds;
            }
        }
        catch (Exception ex) when (!committed)
        {
            session.Transaction = null;
            // Nothing of this batch is durable: every caller is told, and each releases its reservation.
            LogBatchFailed(batch.Count, ex);
            Release(batch, rows, ex);
            Report(batch.Count, started, committed: false);
            return;
        }
        catch (Exception ex)
        {
            // Committed, so every caller is told it succeeded: telling them otherwise would hand back stock that is sold.
            LogAfterCommitFailed(batch.Count, ex);
        }

        Release(batch, rows, error: null);
        Report(batch.Count, started, committed: true);
    }

    /// <summary>The batch to the metrics (<see cref="BatchCommitted"/>); a failing listener never reaches the commit loop.</summary>
    private void Report(int count, long started, bool committed)
    {
        try
        {
            BatchCommitted?.Invoke(count, System.Diagnostics.Stopwatch.GetElapsedTime(started), committed);
        }
        catch (Exception ex)
        {
            LogReportFailed(ex);
        }
    }

    /// <summary>
    /// Tells the batch's callers, off this thread: one thread-pool item per core, each resuming its share of
    /// the callers one after another. One item per caller (continuations run asynchronously) woke a pool
    /// thread per purchase; on the server's one core in the benchmark this way gave +4% durable purchases
    /// per second and a lower p99 (docs/benchmarks.md). On more cores the batch's answers still go out in parallel.
    /// </summary>
    private static void Release(List<LedgerWrite> batch, int[] rows, Exception? error)
    {
        var writes = batch.ToArray();
        var slices = Math.Min(Environment.ProcessorCount, writes.Length);
        for (var s = 0; s < slices; s++)
        {
            var from = writes.Length * s / slices;
            var to = writes.Length * (s + 1) / slices;
            ThreadPool.UnsafeQueueUserWorkItem(new BatchRelease(writes, rows, from, to, error), preferLocal: false);
        }
    }

    private sealed class BatchRelease(LedgerWrite[] writes, int[] rows, int from, int to, Exception? error) : IThreadPoolWorkItem
    {
        public void Execute()
        {
            for (var i = from; i < to; i++)
            {
                if (error is null)
                {
                    writes[i].Succeed(rows[i]);
                }
                else
                {
                    writes[i].Fail(error);
                }
            }
        }
    }

    public void Dispose() => _queue.Writer.TryComplete();

    [LoggerMessage(EventId = 2009, Level = LogLevel.Warning, Message = "Adding the latest orders to the record's totals failed; retried shortly")]
    private partial void LogCatchUpFailed(Exception error);

    [LoggerMessage(EventId = 2001, Level = LogLevel.Error, Message = "Group commit of {Count} writes failed; the writes are released")]
    private partial void LogBatchFailed(int count, Exception error);

    [LoggerMessage(EventId = 2007, Level = LogLevel.Error, Message = "After the commit of {Count} writes, updating the in-memory indexes failed; the writes are committed and answered")]
    private partial void LogAfterCommitFailed(int count, Exception error);

    [LoggerMessage(EventId = 2008, Level = LogLevel.Warning, Message = "A listener of committed batches (metrics) failed")]
    private partial void LogReportFailed(Exception error);
}
