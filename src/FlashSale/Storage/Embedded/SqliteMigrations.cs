using Microsoft.Data.Sqlite;

namespace FlashSale.Storage.Embedded;

/// <summary>Versioned schema: each step runs once, in order, inside a transaction.</summary>
internal static class SqliteMigrations
{
    private static readonly string[] Steps =
    [
        """
        CREATE TABLE sales (
            id              TEXT PRIMARY KEY,
            sku             TEXT NOT NULL COLLATE NOCASE UNIQUE,
            product_name    TEXT NOT NULL,
            description     TEXT NOT NULL,
            price_minor     INTEGER NOT NULL,       -- price in 1/100 of the currency: exact sums
            currency        TEXT NOT NULL,
            image_url       TEXT,
            total_stock     INTEGER NOT NULL CHECK (total_stock >= 0),
            per_user_limit  INTEGER NOT NULL CHECK (per_user_limit >= 1),
            starts_at       INTEGER NOT NULL,       -- unix milliseconds, UTC
            ends_at         INTEGER NOT NULL,
            created_at      INTEGER NOT NULL
        );
        CREATE TABLE orders (
            seq             INTEGER PRIMARY KEY AUTOINCREMENT,   -- purchase order
            id              TEXT NOT NULL UNIQUE,
            sale_id         TEXT NOT NULL REFERENCES sales(id),
            user_id         TEXT NOT NULL,
            username        TEXT NOT NULL,
            quantity        INTEGER NOT NULL CHECK (quantity >= 1),
            unit_price_minor INTEGER NOT NULL,
            currency        TEXT NOT NULL,
            purchased_at    INTEGER NOT NULL,
            remaining_after INTEGER NOT NULL,
            idempotency_key TEXT,
            status          INTEGER NOT NULL DEFAULT 0,          -- 0 confirmed, 2 cancelled
            cancelled_at    INTEGER,
            cancelled_by    TEXT
        );
        CREATE UNIQUE INDEX ux_orders_idempotency ON orders (sale_id, user_id, idempotency_key)
            WHERE idempotency_key IS NOT NULL;
        CREATE INDEX ix_orders_sale ON orders (sale_id, seq);
        CREATE INDEX ix_orders_user ON orders (user_id, seq);
        CREATE TABLE accounts (
            id              TEXT PRIMARY KEY,
            username        TEXT NOT NULL COLLATE NOCASE UNIQUE,
            password_hash   TEXT NOT NULL,
            role            TEXT NOT NULL,
            created_at      INTEGER NOT NULL
        );
        """,
    ];

    public static void Apply(SqliteConnection connection)
    {
        SqliteDatabase.Execute(connection, "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
        using var read = connection.CreateCommand();
        read.CommandText = "SELECT COALESCE(MAX(version), 0) FROM schema_version";
        var current = Convert.ToInt32(read.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);

        for (var version = current + 1; version <= Steps.Length; version++)
        {
            using var tx = connection.BeginTransaction();
            using var step = connection.CreateCommand();
            step.Transaction = tx;
            step.CommandText = Steps[version - 1] + $"; INSERT INTO schema_version (version) VALUES ({version});";
            step.ExecuteNonQuery();
            tx.Commit();
        }
    }
}
