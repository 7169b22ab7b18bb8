using Microsoft.Data.Sqlite;

namespace FlashSale.Storage.Embedded;

/// <summary>The group committer's connection, its current transaction and its prepared statements.</summary>
internal sealed class WriterSession(SqliteConnection connection) : IDisposable
{
    private OrderInsert? _insertOrder;

    public SqliteConnection Connection { get; } = connection;

    public SqliteTransaction? Transaction { get; set; }

    /// <summary>The prepared order INSERT; it runs in whatever transaction the connection has open.</summary>
    public OrderInsert InsertOrder => _insertOrder ??= new OrderInsert(Connection);

    public SqliteCommand CreateCommand()
    {
        var command = Connection.CreateCommand();
        command.Transaction = Transaction;
        return command;
    }

    public void Dispose()
    {
        _insertOrder?.Dispose();
        Connection.Dispose();
    }
}
