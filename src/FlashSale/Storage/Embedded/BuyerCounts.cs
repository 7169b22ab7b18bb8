using System.Globalization;
using Microsoft.Data.Sqlite;

namespace FlashSale.Storage.Embedded;

/// <summary>
/// The unique buyer count of the embedded record, kept in bulk (migration 3). A per-order trigger
/// put each new order's buyer row in a different page of buyer_totals; instead the group committer
/// counts every order past <c>buyer_mark</c> in one short transaction, once
/// <see cref="CatchUpAfterOrders"/> orders are waiting or <see cref="CatchUpAfter"/> has passed, and
/// the stats add the few buyers past the mark themselves, so the count they show is always exact.
/// </summary>
internal static class BuyerCounts
{
    public const int CatchUpAfterOrders = 4096;
    public static readonly TimeSpan CatchUpAfter = TimeSpan.FromMilliseconds(500);

    /// <summary>Buyers with a confirmed order: counted ones, plus those only past the mark.</summary>
    public const string UniqueBuyers = """
        SELECT unique_buyers + (
            SELECT COUNT(DISTINCT o.user_id) FROM orders o
            WHERE o.seq > (SELECT seq FROM buyer_mark WHERE id = 1) AND o.status = 0
                AND NOT EXISTS (SELECT 1 FROM buyer_totals b WHERE b.user_id = o.user_id AND b.orders > 0))
        FROM stats_counters WHERE id = 1
        """;

    private const string CatchUpSql = """
        UPDATE stats_counters SET unique_buyers = unique_buyers + (
            SELECT COUNT(DISTINCT o.user_id) FROM orders o
            WHERE o.seq > $from AND o.seq <= $to AND o.status = 0
                AND NOT EXISTS (SELECT 1 FROM buyer_totals b WHERE b.user_id = o.user_id AND b.orders > 0))
        WHERE id = 1;
        INSERT INTO buyer_totals (user_id, orders)
            SELECT user_id, COUNT(*) FROM orders WHERE seq > $from AND seq <= $to AND status = 0 GROUP BY user_id
            ON CONFLICT (user_id) DO UPDATE SET orders = orders + excluded.orders;
        UPDATE buyer_mark SET seq = $to WHERE id = 1;
        """;

    /// <summary>
    /// Counts every order past the mark in one transaction. Called on the group committer's
    /// connection between batches, so no order arrives in between. Returns the orders counted.
    /// </summary>
    public static long CatchUp(SqliteConnection connection)
    {
        using var tx = connection.BeginTransaction();
        using var read = connection.CreateCommand();
        read.Transaction = tx;
        read.CommandText = "SELECT (SELECT seq FROM buyer_mark WHERE id = 1), (SELECT COALESCE(MAX(seq), 0) FROM orders)";
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
        write.Transaction = tx;
        write.CommandText = CatchUpSql;
        write.Parameters.AddWithValue("$from", from);
        write.Parameters.AddWithValue("$to", to);
        write.ExecuteNonQuery();
        tx.Commit();
        return to - from;
    }

    /// <summary>Orders past the mark now (for tests).</summary>
    public static long Lag(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT (SELECT COALESCE(MAX(seq), 0) FROM orders) - (SELECT seq FROM buyer_mark WHERE id = 1)";
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }
}
