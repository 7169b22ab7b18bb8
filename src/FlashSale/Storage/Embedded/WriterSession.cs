using Microsoft.Data.Sqlite;

namespace FlashSale.Storage.Embedded;

/// <summary>The group committer's connection, its current transaction and its prepared statements.</summary>
internal sealed class WriterSession(SqliteConnection connection) : IDisposable
{
    private SqliteCommand? _insertOrder;

    public SqliteConnection Connection { get; } = connection;

    public SqliteTransaction? Transaction { get; set; }

    public SqliteCommand InsertOrder
    {
        get
        {
            if (_insertOrder is null)
            {
                _insertOrder = Connection.CreateCommand();
                _insertOrder.CommandText = """
                    INSERT INTO orders (id, sale_id, user_id, username, quantity, unit_price_minor, currency, purchased_at,
                                        remaining_after, idempotency_key, status)
                    VALUES ($id, $sale, $user, $username, $quantity, $price, $currency, $at, $remaining, $key, 0)
                    RETURNING seq
                    """;
                foreach (var name in (string[])["$id", "$sale", "$user", "$username", "$quantity", "$price", "$currency", "$at", "$remaining", "$key"])
                {
                    _insertOrder.Parameters.Add(new SqliteParameter(name, null));
                }

                _insertOrder.Prepare();
            }

            _insertOrder.Transaction = Transaction;
            return _insertOrder;
        }
    }

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
