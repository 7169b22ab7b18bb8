using FlashSale.Admin;
using Npgsql;

namespace FlashSale.Storage.Postgres;

/// <summary>
/// Admin changes one at a time across every instance on this PostgreSQL database: a transaction-scoped advisory lock
/// held for the change. Transaction-scoped, not session-scoped, so nothing can leave it held: the transaction ends on
/// release, and a broken connection or a dead instance ends it too (a session lock left on a pooled connection would
/// outlive the change). The waits in this process queue in memory first, so one change holds one connection.
/// </summary>
/// <remarks>
/// The wait for another instance's change is bounded like every request's work on PostgreSQL (<c>Distributed:RequestCommandTimeout</c>,
/// <see cref="PostgresRequests.RunAsync{T}"/>): past it the admin gets 503 and tries again; a lock taken after it is let go at once. PostgreSQL down: 503 at once, as for the record write the change needs.
/// </remarks>
public sealed class PostgresAdminChangeLock(PostgresRequests requests) : IAdminChangeLock
{
    /// <summary>The advisory lock's key: any constant no other lock in this database uses ("FlashAdm" in ASCII).</summary>
    internal const long Key = 0x466C61736841646D;

    private readonly InProcessAdminChangeLock _here = new();

    public async Task<IAsyncDisposable> AcquireAsync(CancellationToken ct)
    {
        var local = await _here.AcquireAsync(ct);
        try
        {
            // Taken after the bound (PostgreSQL answered late): let go at once, the change was answered 503.
            var (connection, transaction) = await requests.RunAsync(TakeAsync, ct,
                abandoned: async late => await new Held(late.Connection, late.Transaction, NothingHeld.Instance).DisposeAsync());
            return new Held(connection, transaction, local);
        }
        catch
        {
            await local.DisposeAsync();
            throw;
        }
    }

    private async Task<(NpgsqlConnection Connection, NpgsqlTransaction Transaction)> TakeAsync(CancellationToken ct)
    {
        NpgsqlConnection? connection = null;
        try
        {
            connection = await requests.OpenConnectionAsync(ct);
            var transaction = await connection.BeginTransactionAsync(ct);
            await using (var take = requests.CreateCommand("SELECT pg_advisory_xact_lock(@key)", connection, transaction))
            {
                take.Parameters.AddWithValue("key", Key);
                await take.ExecuteNonQueryAsync(ct);
            }

            return (connection, transaction);
        }
        catch
        {
            if (connection is not null)
            {
                await connection.DisposeAsync();
            }

            throw;
        }
    }

    private sealed class NothingHeld : IAsyncDisposable
    {
        public static readonly NothingHeld Instance = new();

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    private sealed class Held(NpgsqlConnection connection, NpgsqlTransaction transaction, IAsyncDisposable local) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            try
            {
                // Nothing was written in it: ending it releases the lock. A connection that broke meanwhile has lost the
                // lock already, and disposing it is all there is left to do.
                await transaction.RollbackAsync(CancellationToken.None);
            }
            catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException)
            {
            }
            finally
            {
                await transaction.DisposeAsync();
                await connection.DisposeAsync();
                await local.DisposeAsync();
            }
        }
    }
}
