using Npgsql;

namespace FlashSale.Storage.Postgres;

/// <summary>
/// PostgreSQL as the stores that serve requests use it (sales, orders, stats, accounts): while the record is known
/// to be down (<see cref="RecordHealth"/>, the persister's ping) a command is refused at once, and a request's work on
/// PostgreSQL (<see cref="RunAsync{T}"/>: opening a connection, its commands, reading their rows) ends within
/// <c>Distributed:RequestCommandTimeout</c>, answered or not. Without this a stalled PostgreSQL held each such request
/// for the connection string's 30 s command timeout and then some (34 s in <c>RecordOutageReadTests</c>), and requests
/// piled up behind it; now the first ones wait the bound and the rest answer 503 as soon as the ping has noticed.
/// The persister and the purchase path's record lookups use the data source directly, with their own bounds.
/// </summary>
/// <remarks>
/// The bound is a wait, not the command timeout alone: when a command times out Npgsql sends PostgreSQL a cancel request
/// first, on a new connection it opens and negotiates (SSL under the default <c>SSL Mode=Prefer</c>) within the connection
/// string's <c>Timeout</c>, and waits for the server to close it; a frozen server (SIGSTOP: the kernel accepts, nobody
/// answers) does neither, so a 5 s command timeout ended after 5 + 2 × 15 s (<c>RecordFreezeTests</c>). Opening a
/// connection to it waits the whole <c>Timeout</c> (15 s). Work past the bound is abandoned, not cancelled (a cancel is
/// the same wait, on the cancelling thread): it goes on in the background until its command timeout breaks its
/// connection (Npgsql does not return a broken connection to the pool), or the server answers and the connection goes
/// back healthy; what it yields then is disposed (<c>abandoned</c>). At most <see cref="AbandonedReads.CapFor"/> abandoned
/// reads run at a time: past that a new read is answered 503 without being started (<see cref="AbandonedReads"/>).
/// <para>
/// Reads only. A write is never abandoned: its outcome must be known before it is answered, and before anything follows it.
/// An admin's sale change abandoned at the bound read the sale back while the write still waited on a row lock, put the
/// old terms back in the ledger, and the write then committed (a sale ended in the record selling on in Redis). Writes
/// keep their command timeout (<see cref="CreateCommand(string)"/>).
/// </para>
/// </remarks>
public sealed class PostgresRequests(NpgsqlDataSource db, RecordHealth health, TimeSpan requestCommandTimeout, ILogger<PostgresRequests>? log = null)
{
    // Whole seconds, at least one: DistributedOptions validates the setting at start.
    private readonly int _timeoutSeconds = (int)requestCommandTimeout.TotalSeconds;
    private readonly AbandonedReads _abandoned = new(AbandonedReads.CapFor(db), (ILogger?)log ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);

    /// <summary>How long a request waits for its work on PostgreSQL: <c>Distributed:RequestCommandTimeout</c>.</summary>
    public TimeSpan Bound => requestCommandTimeout;

    public NpgsqlCommand CreateCommand(string sql)
    {
        ThrowIfDown();
        var command = db.CreateCommand(sql);
        command.CommandTimeout = _timeoutSeconds;
        return command;
    }

    /// <summary>A connection for several commands in one transaction; make them with <see cref="CreateCommand(string, NpgsqlConnection, NpgsqlTransaction)"/>.</summary>
    public ValueTask<NpgsqlConnection> OpenConnectionAsync(CancellationToken ct)
    {
        ThrowIfDown();
        return db.OpenConnectionAsync(ct);
    }

    /// <summary>A command on a connection from <see cref="OpenConnectionAsync"/>, with the same bound.</summary>
    public NpgsqlCommand CreateCommand(string sql, NpgsqlConnection connection, NpgsqlTransaction transaction) =>
        new(sql, connection, transaction) { CommandTimeout = _timeoutSeconds };

    /// <summary>
    /// <paramref name="work"/> (everything a request does on PostgreSQL for one answer) within <see cref="Bound"/>: past it
    /// <see cref="StoreUnavailableException"/> (503) and the work is abandoned; a result it yields later is handed to
    /// <paramref name="abandoned"/> (a connection, a lock or a reader it holds, to be let go), its failure is observed.
    /// While <see cref="AbandonedReads.Cap"/> abandoned reads still run, <see cref="StoreUnavailableException"/> at once.
    /// </summary>
    public async Task<T> RunAsync<T>(Func<CancellationToken, Task<T>> work, CancellationToken ct, Func<T, ValueTask>? abandoned = null)
    {
        ThrowIfDown();
        _abandoned.ThrowIfFull();
        var running = work(ct);
        try
        {
            return await running.WaitAsync(requestCommandTimeout, ct);
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
        {
            if (running.IsCompleted)
            {
                // The work's own outcome (its own timeout or cancellation, or an answer just as the wait ended).
                return await running;
            }

            Abandon(running, abandoned);
            if (ex is TimeoutException)
            {
                throw new StoreUnavailableException(
                    $"PostgreSQL did not answer within Distributed:RequestCommandTimeout ({requestCommandTimeout.TotalSeconds:F0} s).", ex);
            }

            throw;
        }
    }

    /// <inheritdoc cref="RunAsync{T}(Func{CancellationToken, Task{T}}, CancellationToken, Func{T, ValueTask}?)"/>
    public Task RunAsync(Func<CancellationToken, Task> work, CancellationToken ct) =>
        RunAsync(async c =>
        {
            await work(c);
            return true;
        }, ct);

    /// <summary>Abandoned reads still running (tests).</summary>
    internal int AbandonedRunning => _abandoned.Outstanding;

    /// <summary>The work goes on without the request: counted until it ends, what it yields late let go.</summary>
    private void Abandon<T>(Task<T> running, Func<T, ValueTask>? abandoned)
    {
        _abandoned.Add();
        _ = LetGoAsync(running, abandoned);
    }

    private async Task LetGoAsync<T>(Task<T> running, Func<T, ValueTask>? release)
    {
        try
        {
            await ((Task)running).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            if (!running.IsCompletedSuccessfully)
            {
                _ = running.Exception;
            }
            else if (release is not null)
            {
                await release(running.Result);
            }
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or TimeoutException)
        {
            // Letting go of what a late answer holds: a connection that broke meanwhile has nothing left to release.
        }
        finally
        {
            _abandoned.Ended();
        }
    }

    private void ThrowIfDown()
    {
        if (health.IsDown)
        {
            throw new StoreUnavailableException("PostgreSQL is not answering.");
        }
    }
}
