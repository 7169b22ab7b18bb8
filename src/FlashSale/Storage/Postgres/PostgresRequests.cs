using Npgsql;

namespace FlashSale.Storage.Postgres;

/// <summary>
/// PostgreSQL as the stores that serve requests use it (sales, orders, stats, accounts): while the record is known
/// to be down (<see cref="RecordHealth"/>, the persister's ping) a command is refused at once, and every command is
/// bounded by <see cref="RequestCommandTimeout"/>. Without this a stalled PostgreSQL held each such request for the
/// connection string's 30 s command timeout and then some (34 s in <c>RecordOutageReadTests</c>), and requests piled
/// up behind it; now the first ones wait the bound and the rest answer 503 as soon as the ping has noticed.
/// The persister and the purchase path's record lookups use the data source directly, with their own bounds.
/// </summary>
public sealed class PostgresRequests(NpgsqlDataSource db, RecordHealth health, TimeSpan requestCommandTimeout)
{
    /// <summary>The data source's, whatever the connection string says.</summary>
    public TimeSpan RequestCommandTimeout { get; } = requestCommandTimeout;

    private readonly int _timeoutSeconds = Math.Max(1, (int)Math.Ceiling(requestCommandTimeout.TotalSeconds));

    public NpgsqlCommand CreateCommand(string sql)
    {
        ThrowIfDown();
        var command = db.CreateCommand(sql);
        command.CommandTimeout = _timeoutSeconds;
        return command;
    }

    /// <summary>A connection for several commands; each command made from it should take <see cref="CommandTimeoutSeconds"/>.</summary>
    public ValueTask<NpgsqlConnection> OpenConnectionAsync(CancellationToken ct)
    {
        ThrowIfDown();
        return db.OpenConnectionAsync(ct);
    }

    public int CommandTimeoutSeconds => _timeoutSeconds;

    private void ThrowIfDown()
    {
        if (health.IsDown)
        {
            throw new StoreUnavailableException("PostgreSQL is not answering.");
        }
    }
}
