using Npgsql;

namespace FlashSale.Tests.Infrastructure;

/// <summary>
/// A test class with a PostgreSQL database of its own (<see cref="TestStorage"/>) and a data source on it, for
/// tests of the distributed record's schema, triggers and functions that write their rows in SQL. The class
/// migrates when it needs to (some tests start from an older schema).
/// </summary>
public abstract class RecordDatabaseTest : IAsyncLifetime
{
    protected RecordDatabaseTest() => Db = NpgsqlDataSource.Create(Storage.PostgresConnectionString);

    protected TestStorage Storage { get; } = TestStorage.Create(StorageKind.Redis);

    protected NpgsqlDataSource Db { get; }

    public virtual Task InitializeAsync() => Task.CompletedTask;

    protected async Task ExecuteAsync(string sql)
    {
        await using var command = Db.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }

    public async Task DisposeAsync()
    {
        await Db.DisposeAsync();
        await Storage.DisposeAsync();
    }
}
