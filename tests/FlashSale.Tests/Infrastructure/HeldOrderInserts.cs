using Npgsql;

namespace FlashSale.Tests.Infrastructure;

/// <summary>
/// PostgreSQL holding back every insert into orders until released (a lock that reads, a rebuild's among them, pass):
/// a persister's batch waits in its insert, as on a stalled record.
/// </summary>
public sealed class HeldOrderInserts : IAsyncDisposable
{
    private readonly NpgsqlConnection _connection;
    private readonly NpgsqlTransaction _transaction;

    private HeldOrderInserts(NpgsqlConnection connection, NpgsqlTransaction transaction)
    {
        _connection = connection;
        _transaction = transaction;
    }

    public static async Task<HeldOrderInserts> BeginAsync(TestStorage storage)
    {
        var connection = storage.OpenDatabase();
        var transaction = await connection.BeginTransactionAsync();
        await using (var lockOrders = new NpgsqlCommand("LOCK TABLE orders IN SHARE ROW EXCLUSIVE MODE", connection, transaction))
        {
            await lockOrders.ExecuteNonQueryAsync();
        }

        return new HeldOrderInserts(connection, transaction);
    }

    /// <summary>Lets the held inserts go on.</summary>
    public Task ReleaseAsync() => _transaction.RollbackAsync();

    public async ValueTask DisposeAsync()
    {
        await _transaction.DisposeAsync();
        await _connection.DisposeAsync();
    }
}
