using FlashSale.Operations;

namespace FlashSale.Storage.Embedded;

/// <summary>Ready when the database can be read and its write lock taken (BEGIN IMMEDIATE), rolled back at once.</summary>
internal sealed class SqliteProbe(SqliteDatabase db, WriteGate gate) : IStoreProbe
{
    public string Name => "sqlite";

    public Task CheckAsync(CancellationToken ct)
    {
        if (gate.ClosedBecause() is { } reason)
        {
            throw new IOException(reason);
        }

        using var connection = db.Open();
        // Fail fast: a probe that waits out the writers' 10 s busy timeout says nothing useful. Both bounds: SQLite's
        // own busy wait, and Microsoft.Data.Sqlite's retry of a busy BEGIN, which runs until the connection's
        // DefaultTimeout (the busy_timeout alone left the probe waiting 10 s behind a held write lock).
        connection.DefaultTimeout = 1;
        SqliteDatabase.Execute(connection, "PRAGMA busy_timeout = 250;");
        using var tx = connection.BeginTransaction();
        using var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = "CREATE TEMP TABLE IF NOT EXISTS probe (x); INSERT INTO probe VALUES (1); SELECT count(*) FROM sales;";
        command.ExecuteScalar();
        tx.Rollback();
        return Task.CompletedTask;
    }
}
