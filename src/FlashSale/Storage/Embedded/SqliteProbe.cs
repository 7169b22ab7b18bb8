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
        // Fail fast: a probe that waits out the writers' 10 s busy timeout says nothing useful.
        SqliteDatabase.Execute(connection, "PRAGMA busy_timeout = 1000;");
        using var tx = connection.BeginTransaction();
        using var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = "CREATE TEMP TABLE IF NOT EXISTS probe (x); INSERT INTO probe VALUES (1); SELECT count(*) FROM sales;";
        command.ExecuteScalar();
        tx.Rollback();
        return Task.CompletedTask;
    }
}
