using System.Globalization;
using Microsoft.Data.Sqlite;

namespace FlashSale.Storage.Embedded;

/// <summary>
/// The aggregates of the embedded record — per-sale and per-day (and currency) totals, each buyer's order count,
/// the unique buyer count — kept in bulk (migrations 3 and 4). A trigger per order cost a trip
/// through three more tables and a statement journal on every durable purchase, and put each new
/// buyer's row in a different page; instead the group committer adds every confirmed order past
/// <c>totals_mark</c> to the totals in one short transaction, once <see cref="CatchUpAfterOrders"/>
/// orders are waiting or <see cref="CatchUpAfter"/> has passed, and the stats add the few orders past
/// the mark themselves, so what they show is always exact. Cancels and deletes of counted orders
/// are subtracted by triggers (orders past the mark are in no total yet).
/// </summary>
internal static class RecordTotals
{
    /// <summary>
    /// Orders past the mark that make the next group commit catch up inside its transaction. Small, so
    /// the batch that does it waits well under a millisecond longer (4,096 orders in a transaction of
    /// their own held the commits ~6 ms, the p99 of a busy sale).
    /// </summary>
    public const int CatchUpAfterOrders = 512;

    /// <summary>With orders past the mark and no batch to catch up in, the idle committer catches up alone after this.</summary>
    public static readonly TimeSpan CatchUpAfter = TimeSpan.FromMilliseconds(500);

    private const string Mark = "(SELECT seq FROM totals_mark WHERE id = 1)";

    /// <summary>Buyers with a confirmed order: counted ones, plus those only past the mark.</summary>
    public const string UniqueBuyers = $"""
        SELECT unique_buyers + (
            SELECT COUNT(DISTINCT o.user_id) FROM orders o
            WHERE o.seq > {Mark} AND o.status = 0
                AND NOT EXISTS (SELECT 1 FROM buyer_totals b WHERE b.user_id = o.user_id AND b.orders > 0))
        FROM stats_counters WHERE id = 1
        """;

    /// <summary>
    /// Each sale's totals (sale_id, units, revenue_minor, orders, last_purchased_at, sold_out_at): counted plus past the
    /// mark, read as the catch-up (<see cref="SaleTotalsPastTheMark"/>) will count them.
    /// </summary>
    public const string SaleTotals = $"""
        SELECT sale_id, SUM(units) AS units, SUM(revenue_minor) AS revenue_minor, SUM(orders) AS orders,
               MAX(last_purchased_at) AS last_purchased_at, MIN(sold_out_at) AS sold_out_at
        FROM (
            SELECT sale_id, units, revenue_minor, orders, last_purchased_at, sold_out_at FROM sale_totals
            UNION ALL
            SELECT {SaleTotalsPastTheMark} FROM orders WHERE seq > {Mark})
        GROUP BY sale_id
        """;

    /// <summary>
    /// One order's share of its sale's totals. Cancelled orders too (they are rare): the first order that left no unit
    /// (remaining_after = 0, the ledger's count as it decided it) is the moment the sale sold out, cancelled since or not,
    /// and a cancel does not move the last purchase back once counted (the cancel trigger leaves it), so it does not
    /// before either. Until 2026-12-07 the last purchase stood for the sell-out moment and counted to a re-sale after a cancel.
    /// </summary>
    private const string SaleTotalsPastTheMark = """
        sale_id, IIF(status = 0, quantity, 0) AS units, IIF(status = 0, quantity * unit_price_minor, 0) AS revenue_minor,
        status = 0 AS orders, purchased_at AS last_purchased_at, IIF(remaining_after = 0, purchased_at, NULL) AS sold_out_at
        """;

    /// <summary>
    /// Each day's totals per currency from $first to $last (unix days): counted plus past the mark; days left
    /// empty by cancels are skipped.
    /// </summary>
    public const string DayTotals = $"""
        SELECT day, currency, SUM(revenue_minor), SUM(units), SUM(orders)
        FROM (
            SELECT day, currency, revenue_minor, units, orders FROM daily_totals WHERE day BETWEEN $first AND $last
            UNION ALL
            SELECT purchased_at / 86400000, currency, quantity * unit_price_minor, quantity, 1 FROM orders
            WHERE seq > {Mark} AND status = 0 AND purchased_at / 86400000 BETWEEN $first AND $last)
        GROUP BY day, currency HAVING SUM(orders) > 0 ORDER BY day, currency
        """;

    private const string CatchUpSql = $"""
        UPDATE stats_counters SET unique_buyers = unique_buyers + (
            SELECT COUNT(DISTINCT o.user_id) FROM orders o
            WHERE o.seq > $from AND o.seq <= $to AND o.status = 0
                AND NOT EXISTS (SELECT 1 FROM buyer_totals b WHERE b.user_id = o.user_id AND b.orders > 0))
        WHERE id = 1;
        INSERT INTO buyer_totals (user_id, orders)
            SELECT user_id, COUNT(*) FROM orders WHERE seq > $from AND seq <= $to AND status = 0 GROUP BY user_id
            ON CONFLICT (user_id) DO UPDATE SET orders = orders + excluded.orders;
        INSERT INTO sale_totals (sale_id, units, revenue_minor, orders, last_purchased_at, sold_out_at)
            SELECT sale_id, SUM(units), SUM(revenue_minor), SUM(orders), MAX(last_purchased_at), MIN(sold_out_at)
            FROM (SELECT {SaleTotalsPastTheMark} FROM orders WHERE seq > $from AND seq <= $to)
            GROUP BY sale_id
            ON CONFLICT (sale_id) DO UPDATE SET units = units + excluded.units,
                revenue_minor = revenue_minor + excluded.revenue_minor, orders = orders + excluded.orders,
                last_purchased_at = MAX(last_purchased_at, excluded.last_purchased_at),
                sold_out_at = COALESCE(sold_out_at, excluded.sold_out_at);
        INSERT INTO daily_totals (day, currency, units, revenue_minor, orders)
            SELECT purchased_at / 86400000, currency, SUM(quantity), SUM(quantity * unit_price_minor), COUNT(*)
            FROM orders WHERE seq > $from AND seq <= $to AND status = 0 GROUP BY purchased_at / 86400000, currency
            ON CONFLICT (day, currency) DO UPDATE SET units = units + excluded.units,
                revenue_minor = revenue_minor + excluded.revenue_minor, orders = orders + excluded.orders;
        UPDATE totals_mark SET seq = $to WHERE id = 1;
        """;

    /// <summary>
    /// Adds every order past the mark to the totals, in a transaction of its own (at start, when the
    /// store is idle, in tests). Returns the orders counted.
    /// </summary>
    public static long CatchUp(SqliteConnection connection)
    {
        using var tx = connection.BeginTransaction();
        var counted = CatchUp(connection, tx);
        tx.Commit();
        return counted;
    }

    /// <summary>
    /// Adds every order past the mark to the totals inside <paramref name="transaction"/>: the group
    /// commit's own, after its inserts, so a catch-up costs no commit or fsync of its own and the
    /// batch's orders are counted with it. Returns the orders counted.
    /// </summary>
    public static long CatchUp(SqliteConnection connection, SqliteTransaction transaction)
    {
        using var read = connection.CreateCommand();
        read.Transaction = transaction;
        read.CommandText = $"SELECT {Mark}, (SELECT COALESCE(MAX(seq), 0) FROM orders)";
        long from, to;
        using (var reader = read.ExecuteReader())
        {
            reader.Read();
            from = reader.GetInt64(0);
            to = reader.GetInt64(1);
        }

        if (to <= from)
        {
            return 0;
        }

        using var write = connection.CreateCommand();
        write.Transaction = transaction;
        write.CommandText = CatchUpSql;
        write.Parameters.AddWithValue("$from", from);
        write.Parameters.AddWithValue("$to", to);
        write.ExecuteNonQuery();
        return to - from;
    }

    /// <summary>Orders past the mark now (for tests).</summary>
    public static long Lag(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT (SELECT COALESCE(MAX(seq), 0) FROM orders) - {Mark}";
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }
}
