using System.Diagnostics;
using FlashSale.Storage.Embedded;
using Microsoft.Data.Sqlite;

namespace FlashSale.Bench.Stats;

/// <summary>Fills the database through the real schema, so the triggers build the aggregates as purchases would.</summary>
internal static class Seeder
{
    public sealed record Seeded(List<Guid> SaleIds, long Orders);

    public static Seeded Seed(SqliteDatabase db, int sales, int orders, DateTimeOffset now)
    {
        db.Migrate();
        using var connection = db.OpenWriter();
        Execute(connection, "PRAGMA synchronous = OFF; PRAGMA cache_size = -262144;");
        var existing = Scalar(connection, "SELECT COUNT(*) FROM orders");
        if (existing == orders)
        {
            Console.WriteLine("Reusing the seeded database.");
            return new Seeded(ReadSaleIds(connection), existing);
        }

        Execute(connection, "DELETE FROM orders; DELETE FROM sales; DELETE FROM sale_totals; DELETE FROM daily_totals; DELETE FROM buyer_totals; UPDATE stats_counters SET unique_buyers = 0;");
        var started = Stopwatch.GetTimestamp();
        var random = new Random(20261123);
        var perSale = orders / sales;
        var ids = new List<Guid>();
        using (var tx = connection.BeginTransaction())
        {
            for (var s = 0; s < sales; s++)
            {
                var id = Guid.NewGuid();
                ids.Add(id);
                using var insert = connection.CreateCommand();
                insert.Transaction = tx;
                // Every third sale sells out; the rest keep stock.
                insert.CommandText = $"""
                    INSERT INTO sales (id, sku, product_name, description, price_minor, currency, image_url, total_stock, per_user_limit, starts_at, ends_at, created_at)
                    VALUES ('{id:D}', 'BENCH-{s:D3}', 'Bench product {s}', '', {random.Next(100, 200_000)}, 'USD', NULL,
                            {(s % 3 == 0 ? perSale : perSale * 2)}, 1, {now.AddDays(-10).ToUnixTimeMilliseconds()},
                            {now.AddDays(5).ToUnixTimeMilliseconds()}, {now.AddDays(-11).ToUnixTimeMilliseconds()})
                    """;
                insert.ExecuteNonQuery();
            }

            tx.Commit();
        }

        using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO orders (id, sale_id, user_id, username, quantity, unit_price_minor, currency, purchased_at, remaining_after, status, cancelled_at, cancelled_by)
            VALUES ($id, $sale, $user, $user, 1, $price, 'USD', $at, 0, $status, $cancelledAt, $cancelledBy)
            """;
        var p = new[] { "$id", "$sale", "$user", "$price", "$at", "$status", "$cancelledAt", "$cancelledBy" }
            .Select(n => command.Parameters.Add(new SqliteParameter { ParameterName = n })).ToArray();
        var windowMs = (long)TimeSpan.FromDays(10).TotalMilliseconds;
        var start = now.ToUnixTimeMilliseconds() - windowMs;
        var tx2 = connection.BeginTransaction();
        command.Transaction = tx2;
        command.Prepare();
        for (var i = 0; i < orders; i++)
        {
            var s = i % sales;                          // interleaved, as a real crowd spreads over sales
            var n = i / sales;
            var at = start + windowMs * i / orders;     // purchase order matches time order
            var cancelled = random.Next(50) == 0;
            p[0].Value = Guid.NewGuid().ToString("D");
            p[1].Value = ids[s].ToString("D");
            p[2].Value = $"user-{(s * 7919L + n * 31L) % 300_000:D6}";   // distinct within a sale, shared across sales
            p[3].Value = 100 + s * 10;
            p[4].Value = at;
            p[5].Value = cancelled ? 2 : 0;
            p[6].Value = cancelled ? at + 60_000 : DBNull.Value;
            p[7].Value = cancelled ? "admin" : DBNull.Value;
            command.ExecuteNonQuery();
            if (i % 50_000 == 49_999)
            {
                tx2.Commit();
                tx2.Dispose();
                tx2 = connection.BeginTransaction();
                command.Transaction = tx2;
            }
        }

        tx2.Commit();
        tx2.Dispose();
        // What the server's group committer does after a burst: the buyer counts in bulk.
        RecordTotals.CatchUp(connection);

        Execute(connection, "PRAGMA wal_checkpoint(TRUNCATE); ANALYZE;");
        Console.WriteLine($"Seeded {orders:N0} orders in {Stopwatch.GetElapsedTime(started).TotalSeconds:F1} s.");
        return new Seeded(ids, orders);
    }

    /// <summary>The same totals straight from the orders table: what the aggregates save on every call.</summary>
    public static void ScanStats(SqliteDatabase db)
    {
        using var connection = db.Open();
        foreach (var sql in new[]
        {
            "SELECT sale_id, SUM(quantity), SUM(quantity * unit_price_minor), COUNT(*), MAX(purchased_at) FROM orders WHERE status = 0 GROUP BY sale_id",
            "SELECT COUNT(DISTINCT user_id) FROM orders WHERE status = 0",
            "SELECT purchased_at / 86400000, SUM(quantity * unit_price_minor) FROM orders WHERE status = 0 GROUP BY 1",
        })
        {
            using var command = connection.CreateCommand();
            command.CommandText = sql;
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
            }
        }
    }

    private static List<Guid> ReadSaleIds(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT id FROM sales ORDER BY sku";
        using var reader = command.ExecuteReader();
        var ids = new List<Guid>();
        while (reader.Read())
        {
            ids.Add(Guid.Parse(reader.GetString(0)));
        }

        return ids;
    }

    private static long Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (long)command.ExecuteScalar()!;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
