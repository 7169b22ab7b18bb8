using FlashSale.Orders;
using Microsoft.Data.Sqlite;
using SQLitePCL;
using static FlashSale.Storage.Embedded.SqliteValues;

namespace FlashSale.Storage.Embedded;

/// <summary>
/// The group committer's order INSERT, prepared once and run through SQLite's own API (the
/// SQLitePCLRaw layer under Microsoft.Data.Sqlite). Every durable purchase runs it, and the ADO.NET
/// command around the same statement cost more than the insert itself: a data reader per call,
/// parameter objects boxed and re-bound, a RETURNING row read back. Here the ids are bound as UTF-8
/// from the stack, strings as UTF-16 spans, and the new seq is the connection's last rowid.
/// </summary>
internal sealed class OrderInsert : IDisposable
{
    private const string Sql = """
        INSERT INTO orders (id, sale_id, user_id, username, quantity, unit_price_minor, currency, purchased_at,
                            remaining_after, idempotency_key, status)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 0)
        """;

    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _statement;

    public OrderInsert(SqliteConnection connection)
    {
        _db = connection.Handle ?? throw new InvalidOperationException("The writer connection is not open.");
        // prepare_v2: SQLite re-prepares by itself when the schema changes under it (a migration, a test's trigger).
        Check(raw.sqlite3_prepare_v2(_db, Sql, out _statement));
    }

    /// <summary>Inserts the order in the connection's current transaction; returns its seq.</summary>
    public long Run(Order order)
    {
        Span<byte> id = stackalloc byte[36];
        Check(raw.sqlite3_bind_text(_statement, 1, Utf8Id(order.Id, id)));
        Check(raw.sqlite3_bind_text(_statement, 2, Utf8Id(order.SaleId, id)));
        Check(raw.sqlite3_bind_text16(_statement, 3, order.UserId));
        Check(raw.sqlite3_bind_text16(_statement, 4, order.Username));
        Check(raw.sqlite3_bind_int64(_statement, 5, order.Quantity));
        Check(raw.sqlite3_bind_int64(_statement, 6, ToMinor(order.UnitPrice)));
        Check(raw.sqlite3_bind_text16(_statement, 7, order.Currency));
        Check(raw.sqlite3_bind_int64(_statement, 8, ToMs(order.PurchasedAt)));
        Check(raw.sqlite3_bind_int64(_statement, 9, order.RemainingAfter));
        Check(order.IdempotencyKey is { } key
            ? raw.sqlite3_bind_text16(_statement, 10, key)
            : raw.sqlite3_bind_null(_statement, 10));

        var rc = raw.sqlite3_step(_statement);
        // Reset at once, error or not: a statement left mid-step would hold the transaction's read state.
        raw.sqlite3_reset(_statement);
        if (rc != raw.SQLITE_DONE)
        {
            Check(rc);
        }

        return raw.sqlite3_last_insert_rowid(_db);
    }

    /// <summary>The id in its stored form (<see cref="SqliteValues.Id"/>: "D", lower case), as UTF-8.</summary>
    private static ReadOnlySpan<byte> Utf8Id(Guid id, Span<byte> buffer)
    {
        id.TryFormat(buffer, out var written, "D");
        return buffer[..written];
    }

    /// <summary>Throws the same <see cref="SqliteException"/> Microsoft.Data.Sqlite would for this result.</summary>
    private void Check(int rc) => SqliteException.ThrowExceptionForRC(rc, _db);

    public void Dispose() => _statement.Dispose();
}
