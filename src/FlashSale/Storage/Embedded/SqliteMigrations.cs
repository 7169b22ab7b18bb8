using Microsoft.Data.Sqlite;

namespace FlashSale.Storage.Embedded;

/// <summary>Versioned schema: each step runs once, in order, inside a transaction.</summary>
internal static class SqliteMigrations
{
    /// <summary>A confirmed order enters the sale and day totals (the insert triggers of migrations 2 and 3).</summary>
    private const string AddToSaleAndDayTotals = """
        INSERT INTO sale_totals (sale_id, units, revenue_minor, orders, last_purchased_at)
        VALUES (NEW.sale_id, NEW.quantity, NEW.quantity * NEW.unit_price_minor, 1, NEW.purchased_at)
        ON CONFLICT (sale_id) DO UPDATE SET units = units + excluded.units,
            revenue_minor = revenue_minor + excluded.revenue_minor, orders = orders + 1,
            last_purchased_at = MAX(last_purchased_at, excluded.last_purchased_at);
        INSERT INTO daily_totals (day, units, revenue_minor, orders)
        VALUES (NEW.purchased_at / 86400000, NEW.quantity, NEW.quantity * NEW.unit_price_minor, 1)
        ON CONFLICT (day) DO UPDATE SET units = units + excluded.units,
            revenue_minor = revenue_minor + excluded.revenue_minor, orders = orders + 1;
        """;

    /// <summary>A confirmed order leaves the sale and day totals, whether it is cancelled or deleted.</summary>
    private const string SubtractFromSaleAndDayTotals = """
        UPDATE sale_totals SET units = units - OLD.quantity, revenue_minor = revenue_minor - OLD.quantity * OLD.unit_price_minor,
            orders = orders - 1 WHERE sale_id = OLD.sale_id;
        UPDATE daily_totals SET units = units - OLD.quantity, revenue_minor = revenue_minor - OLD.quantity * OLD.unit_price_minor,
            orders = orders - 1 WHERE day = OLD.purchased_at / 86400000;
        """;

    /// <summary>A confirmed order leaves the buyer counts.</summary>
    private const string SubtractBuyer = """
        UPDATE buyer_totals SET orders = orders - 1 WHERE user_id = OLD.user_id;
        UPDATE stats_counters SET unique_buyers = unique_buyers - 1
        WHERE id = 1 AND EXISTS (SELECT 1 FROM buyer_totals WHERE user_id = OLD.user_id AND orders = 0);
        """;

    /// <summary>A confirmed order leaves the aggregates, whether it is cancelled or deleted (migration 2's triggers).</summary>
    private const string SubtractConfirmedOrder = SubtractFromSaleAndDayTotals + "\n" + SubtractBuyer;

    /// <summary>The per-currency step's version (the last below): the day totals are kept per currency.</summary>
    private const string SubtractConfirmedOrderPerCurrency = """
        UPDATE sale_totals SET units = units - OLD.quantity, revenue_minor = revenue_minor - OLD.quantity * OLD.unit_price_minor,
            orders = orders - 1 WHERE sale_id = OLD.sale_id;
        UPDATE daily_totals SET units = units - OLD.quantity, revenue_minor = revenue_minor - OLD.quantity * OLD.unit_price_minor,
            orders = orders - 1 WHERE day = OLD.purchased_at / 86400000 AND currency = OLD.currency;
        """ + "\n" + SubtractBuyer;

    /// <summary>
    /// Migration 3's version: the buyer counts hold only orders up to the buyer mark, so a cancelled or
    /// deleted order past it changes only the sale and day totals (the catch-up counts confirmed orders only).
    /// </summary>
    private const string SubtractConfirmedOrderPastMark = SubtractFromSaleAndDayTotals + "\n" + """
        UPDATE buyer_totals SET orders = orders - 1
        WHERE user_id = OLD.user_id AND OLD.seq <= (SELECT seq FROM buyer_mark WHERE id = 1);
        UPDATE stats_counters SET unique_buyers = unique_buyers - 1
        WHERE id = 1 AND OLD.seq <= (SELECT seq FROM buyer_mark WHERE id = 1)
            AND EXISTS (SELECT 1 FROM buyer_totals WHERE user_id = OLD.user_id AND orders = 0);
        """;

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
        // Stats stay O(sales + days) however many orders there are: aggregates kept by triggers in the
        // same transaction as the order write (the group commit), so they can never disagree with the
        // record, even when a row is edited by hand. Only confirmed orders (status 0) count.
        $$"""
        CREATE TABLE sale_totals (
            sale_id         TEXT PRIMARY KEY,
            units           INTEGER NOT NULL,
            revenue_minor   INTEGER NOT NULL,
            orders          INTEGER NOT NULL,
            last_purchased_at INTEGER NOT NULL     -- with units = total_stock: the moment it sold out
        );
        CREATE TABLE daily_totals (
            day             INTEGER PRIMARY KEY,   -- unix day (UTC) of purchased_at
            units           INTEGER NOT NULL,
            revenue_minor   INTEGER NOT NULL,
            orders          INTEGER NOT NULL
        );
        CREATE TABLE buyer_totals (
            user_id         TEXT PRIMARY KEY,
            orders          INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE TABLE stats_counters (
            id              INTEGER PRIMARY KEY CHECK (id = 1),
            unique_buyers   INTEGER NOT NULL
        );

        CREATE TRIGGER orders_confirmed_insert AFTER INSERT ON orders WHEN NEW.status = 0
        BEGIN
            {{AddToSaleAndDayTotals}}
            UPDATE stats_counters SET unique_buyers = unique_buyers + 1
            WHERE id = 1 AND NOT EXISTS (SELECT 1 FROM buyer_totals WHERE user_id = NEW.user_id AND orders > 0);
            INSERT INTO buyer_totals (user_id, orders) VALUES (NEW.user_id, 1)
            ON CONFLICT (user_id) DO UPDATE SET orders = orders + 1;
        END;

        CREATE TRIGGER orders_confirmed_cancel AFTER UPDATE OF status ON orders WHEN OLD.status = 0 AND NEW.status <> 0
        BEGIN
            {{SubtractConfirmedOrder}}
        END;

        CREATE TRIGGER orders_confirmed_delete AFTER DELETE ON orders WHEN OLD.status = 0
        BEGIN
            {{SubtractConfirmedOrder}}
        END;

        INSERT INTO sale_totals (sale_id, units, revenue_minor, orders, last_purchased_at)
            SELECT sale_id, SUM(quantity), SUM(quantity * unit_price_minor), COUNT(*), MAX(purchased_at)
            FROM orders WHERE status = 0 GROUP BY sale_id;
        INSERT INTO daily_totals (day, units, revenue_minor, orders)
            SELECT purchased_at / 86400000, SUM(quantity), SUM(quantity * unit_price_minor), COUNT(*)
            FROM orders WHERE status = 0 GROUP BY purchased_at / 86400000;
        INSERT INTO buyer_totals (user_id, orders)
            SELECT user_id, COUNT(*) FROM orders WHERE status = 0 GROUP BY user_id;
        INSERT INTO stats_counters (id, unique_buyers) SELECT 1, COUNT(*) FROM buyer_totals;
        """,
        // Nothing keyed by buyer is written per order (docs/architecture.md, "The embedded record"): an
        // index or a row per buyer puts each new order in a different page, about one WAL page per durable
        // purchase. A buyer's orders are found through the ledger's in-memory index (BuyerOrders.cs), and
        // buyer_totals counts the orders up to buyer_mark, caught up in bulk by the group committer
        // (BuyerCounts.cs).
        $$"""
        DROP INDEX ix_orders_user;
        CREATE TABLE buyer_mark (
            id              INTEGER PRIMARY KEY CHECK (id = 1),
            seq             INTEGER NOT NULL        -- orders up to this seq are counted in buyer_totals
        );
        INSERT INTO buyer_mark (id, seq) SELECT 1, COALESCE(MAX(seq), 0) FROM orders;

        DROP TRIGGER orders_confirmed_insert;
        DROP TRIGGER orders_confirmed_cancel;
        DROP TRIGGER orders_confirmed_delete;
        CREATE TRIGGER orders_confirmed_insert AFTER INSERT ON orders WHEN NEW.status = 0
        BEGIN
            {{AddToSaleAndDayTotals}}
        END;
        CREATE TRIGGER orders_confirmed_cancel AFTER UPDATE OF status ON orders WHEN OLD.status = 0 AND NEW.status <> 0
        BEGIN
            {{SubtractConfirmedOrderPastMark}}
        END;
        CREATE TRIGGER orders_confirmed_delete AFTER DELETE ON orders WHEN OLD.status = 0
        BEGIN
            {{SubtractConfirmedOrderPastMark}}
        END;
        """,

        // Nothing but the order itself is written per order (RecordTotals.cs): the sale and day totals join
        // the buyer counts behind one mark, caught up in bulk by the group committer. The buyers past the
        // old mark are counted first (the insert trigger had already counted their sales and days), so every
        // total agrees with the orders up to the new mark. Cancels and deletes subtract counted orders only.
        $$"""
        UPDATE stats_counters SET unique_buyers = unique_buyers + (
            SELECT COUNT(DISTINCT o.user_id) FROM orders o
            WHERE o.seq > (SELECT seq FROM buyer_mark WHERE id = 1) AND o.status = 0
                AND NOT EXISTS (SELECT 1 FROM buyer_totals b WHERE b.user_id = o.user_id AND b.orders > 0))
        WHERE id = 1;
        INSERT INTO buyer_totals (user_id, orders)
            SELECT user_id, COUNT(*) FROM orders WHERE seq > (SELECT seq FROM buyer_mark WHERE id = 1) AND status = 0
            GROUP BY user_id
            ON CONFLICT (user_id) DO UPDATE SET orders = orders + excluded.orders;

        DROP TRIGGER orders_confirmed_insert;
        DROP TRIGGER orders_confirmed_cancel;
        DROP TRIGGER orders_confirmed_delete;
        DROP TABLE buyer_mark;
        CREATE TABLE totals_mark (
            id              INTEGER PRIMARY KEY CHECK (id = 1),
            seq             INTEGER NOT NULL        -- confirmed orders up to this seq are in every total
        );
        INSERT INTO totals_mark (id, seq) SELECT 1, COALESCE(MAX(seq), 0) FROM orders;

        CREATE TRIGGER orders_confirmed_cancel AFTER UPDATE OF status ON orders
        WHEN OLD.status = 0 AND NEW.status <> 0 AND OLD.seq <= (SELECT seq FROM totals_mark WHERE id = 1)
        BEGIN
            {{SubtractConfirmedOrder}}
        END;

        CREATE TRIGGER orders_confirmed_delete AFTER DELETE ON orders
        WHEN OLD.status = 0 AND OLD.seq <= (SELECT seq FROM totals_mark WHERE id = 1)
        BEGIN
            {{SubtractConfirmedOrder}}
        END;
        """,

        // Each account's credential stamp (Accounts/CredentialStamps.cs): replaced whenever its password or role
        // changes, carried by every token and cookie, which stop working when it is no longer the account's. Every
        // existing account gets a random one, so what was issued before this version (without a stamp) is refused
        // once. The accounts that are not buyers (the admin, former admins) are found at each start by a partial
        // index, however many buyers there are.
        """
        ALTER TABLE accounts ADD COLUMN credential_stamp TEXT NOT NULL DEFAULT '';
        UPDATE accounts SET credential_stamp = lower(hex(randomblob(16)));
        CREATE INDEX ix_accounts_non_buyers ON accounts (role) WHERE role <> 'buyer';
        """,

        // The day totals are kept per currency, so no figure of the stats adds two currencies together
        // (docs/api.md, "Stats"): daily_totals is keyed by day and the order's currency, rebuilt from the
        // orders up to the totals mark (those past it are added by the stats and the catch-up, RecordTotals.cs).
        $$"""
        DROP TRIGGER orders_confirmed_cancel;
        DROP TRIGGER orders_confirmed_delete;
        DROP TABLE daily_totals;
        CREATE TABLE daily_totals (
            day             INTEGER NOT NULL,      -- unix day (UTC) of purchased_at
            currency        TEXT NOT NULL,         -- the order's (its sale's) ISO 4217 code
            units           INTEGER NOT NULL,
            revenue_minor   INTEGER NOT NULL,
            orders          INTEGER NOT NULL,
            PRIMARY KEY (day, currency)
        ) WITHOUT ROWID;
        INSERT INTO daily_totals (day, currency, units, revenue_minor, orders)
            SELECT purchased_at / 86400000, currency, SUM(quantity), SUM(quantity * unit_price_minor), COUNT(*)
            FROM orders WHERE status = 0 AND seq <= (SELECT seq FROM totals_mark WHERE id = 1)
            GROUP BY purchased_at / 86400000, currency;

        CREATE TRIGGER orders_confirmed_cancel AFTER UPDATE OF status ON orders
        WHEN OLD.status = 0 AND NEW.status <> 0 AND OLD.seq <= (SELECT seq FROM totals_mark WHERE id = 1)
        BEGIN
            {{SubtractConfirmedOrderPerCurrency}}
        END;

        CREATE TRIGGER orders_confirmed_delete AFTER DELETE ON orders
        WHEN OLD.status = 0 AND OLD.seq <= (SELECT seq FROM totals_mark WHERE id = 1)
        BEGIN
            {{SubtractConfirmedOrderPerCurrency}}
        END;
        """,

        // The first moment each sale sold out (docs/api.md, "Stats"): the purchase of the first order that left no
        // unit (remaining_after = 0, cancelled since or not), kept by the catch-up (RecordTotals.cs) and never moved by a
        // cancel. The last purchase, which the stats showed until 2026-12-07, counted to a re-sale after a cancel. The
        // orders already recorded tell it the same way; a sale sold out now without such an order (totals repaired by
        // hand) keeps its last purchase, as before, since its first sell-out cannot be known.
        """
        ALTER TABLE sale_totals ADD COLUMN sold_out_at INTEGER;   -- unix ms; null: never sold out
        INSERT INTO sale_totals (sale_id, units, revenue_minor, orders, last_purchased_at, sold_out_at)
            SELECT sale_id, 0, 0, 0, MIN(purchased_at), MIN(purchased_at) FROM orders WHERE remaining_after = 0 GROUP BY sale_id
            ON CONFLICT (sale_id) DO UPDATE SET sold_out_at = excluded.sold_out_at;
        UPDATE sale_totals SET sold_out_at = last_purchased_at
        WHERE sold_out_at IS NULL AND units > 0 AND units >= (SELECT total_stock FROM sales WHERE id = sale_totals.sale_id);
        """,
    ];

    public static void Apply(SqliteConnection connection) => Apply(connection, Steps.Length);

    /// <summary>Applies the steps up to <paramref name="upTo"/> (tests start from an older schema).</summary>
    internal static void Apply(SqliteConnection connection, int upTo)
    {
        SqliteDatabase.Execute(connection, "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
        using var read = connection.CreateCommand();
        read.CommandText = "SELECT COALESCE(MAX(version), 0) FROM schema_version";
        var current = Convert.ToInt32(read.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);

        for (var version = current + 1; version <= Math.Min(upTo, Steps.Length); version++)
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
