using Npgsql;

namespace FlashSale.Storage.Postgres;

/// <summary>
/// PostgreSQL as the stores that serve requests use it (sales, orders, stats, accounts): while the record is known
/// to be down (<see cref="RecordHealth"/>, the persister's ping) a command is refused at once, and every command is
/// bounded by <c>Distributed:RequestCommandTimeout</c>. Without this a stalled PostgreSQL held each such request for
/// the connection string's 30 s command timeout and then some (34 s in <c>RecordOutageReadTests</c>), and requests
/// piled up behind it; now the first ones wait the bound and the rest answer 503 as soon as the ping has noticed.
/// The persister and the purchase path's record lookups use the data source directly, with their own bounds.
/// </summary>
public sealed class PostgresRequests(NpgsqlDataSource db, RecordHealth health, TimeSpan requestCommandTimeout)
{
    // Whole seconds, at least one: DistributedOptions validates the setting at start.
    private readonly int _timeoutSeconds = (int)requestCommandTimeout.TotalSeconds;

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

    private void ThrowIfDown()
    {
        if (health.IsDown)
        {
            throw new StoreUnavailableException("PostgreSQL is not answering.");
        }
    }
}
