using System.Globalization;
using Microsoft.Data.Sqlite;

namespace FlashSale.Storage.Embedded;

/// <summary>
/// The per-user side of the embedded record, kept in bulk (migration 3). An index keyed by user puts
/// each new order in a different page, so kept per order it cost about one WAL page per durable
/// purchase. Instead the group committer adds every order past <c>user_index_mark</c> to
/// <c>user_orders</c> and <c>buyer_totals</c> in one transaction, once <see cref="CatchUpAfterOrders"/>
/// orders are waiting or <see cref="CatchUpAfter"/> has passed; readers add the few orders past the
/// mark themselves (a short range of the orders' primary key), so what they see is always exact.
/// </summary>
internal static class UserIndex
{
    public const int CatchUpAfterOrders = 4096;
    public static readonly TimeSpan CatchUpAfter = TimeSpan.FromMilliseconds(500);

    /// <summary>The seqs of <c>$user</c>'s orders: indexed ones, then those past the mark.</summary>
    public const string SeqsOfUser = """
        SELECT seq FROM user_orders WHERE user_id = $user
        UNION ALL
        SELECT seq FROM orders WHERE seq > (SELECT seq FROM user_index_mark WHERE id = 1) AND user_id = $user
        """;

    /// <summary>Buyers with a confirmed order: counted ones, plus those only past the mark.</summary>
    public const string UniqueBuyers = """
        SELECT unique_buyers + (
            SELECT COUNT(DISTINCT o.user_id) FROM orders o
            WHERE o.seq > (SELECT seq FROM user_index_mark WHERE id = 1) AND o.status = 0
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
        INSERT INTO user_orders (user_id, seq)
            SELECT user_id, seq FROM orders WHERE seq > $from AND seq <= $to ORDER BY user_id, seq;
        UPDATE user_index_mark SET seq = $to WHERE id = 1;
        """;

    /// <summary>
    /// Brings the user index up to the newest order in one transaction. Called on the group
    /// committer's connection between batches, so no order arrives in between. Returns the orders added.
    /// </summary>
    public static long CatchUp(SqliteConnection connection)
    {
        using var tx = connection.BeginTransaction();
        using var read = connection.CreateCommand();
        read.Transaction = tx;
        read.CommandText = "SELECT (SELECT seq FROM user_index_mark WHERE id = 1), (SELECT COALESCE(MAX(seq), 0) FROM orders)";
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

    /// <summary>Orders past the mark now (for tests and the stats bench's seeding).</summary>
    public static long Lag(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT (SELECT COALESCE(MAX(seq), 0) FROM orders) - (SELECT seq FROM user_index_mark WHERE id = 1)";
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }
}
