using FlashSale.Admin;
using static FlashSale.Storage.Embedded.SqliteValues;

namespace FlashSale.Storage.Embedded;

/// <summary>Stats from the aggregate tables the order triggers maintain (migration 2): no order is read.</summary>
public sealed class SqliteStatsStore(SqliteDatabase db) : IStatsStore
{
    public Task<StatsData> GetAsync(DateOnly firstDay, DateOnly lastDay, CancellationToken ct)
    {
        using var connection = db.Open();
        // One read transaction: the three reads see the same commit.
        using var tx = connection.BeginTransaction(deferred: true);

        var sales = new List<SaleTotals>();
        using (var command = connection.CreateCommand())
        {
            command.Transaction = tx;
            command.CommandText = """
                SELECT s.id, s.sku, s.product_name, s.description, s.price_minor, s.currency, s.image_url, s.total_stock,
                       s.per_user_limit, s.starts_at, s.ends_at, s.created_at,
                       COALESCE(t.units, 0), COALESCE(t.revenue_minor, 0), COALESCE(t.orders, 0), t.last_purchased_at
                FROM sales s LEFT JOIN sale_totals t ON t.sale_id = s.id
                ORDER BY s.starts_at, s.created_at
                """;
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                sales.Add(new SaleTotals(SqliteSaleStore.Read(reader), reader.GetInt32(12), FromMinor(reader.GetInt64(13)),
                    reader.GetInt32(14), reader.IsDBNull(15) ? null : FromMs(reader.GetInt64(15))));
            }
        }

        var days = new List<DayTotals>();
        using (var command = connection.CreateCommand())
        {
            command.Transaction = tx;
            command.CommandText = """
                SELECT day, revenue_minor, units, orders FROM daily_totals
                WHERE day BETWEEN $first AND $last AND orders > 0 ORDER BY day
                """;
            Add(command, "$first", firstDay.DayNumber - Epoch);
            Add(command, "$last", lastDay.DayNumber - Epoch);
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                days.Add(new DayTotals(DateOnly.FromDayNumber(Epoch + reader.GetInt32(0)), FromMinor(reader.GetInt64(1)),
                    reader.GetInt64(2), reader.GetInt64(3)));
            }
        }

        long buyers;
        using (var command = connection.CreateCommand())
        {
            command.Transaction = tx;
            command.CommandText = "SELECT unique_buyers FROM stats_counters WHERE id = 1";
            buyers = Convert.ToInt64(command.ExecuteScalar() ?? 0L, System.Globalization.CultureInfo.InvariantCulture);
        }

        tx.Commit();
        var totals = new StatsTotals(sales.Sum(s => s.Revenue), sales.Sum(s => (long)s.Units), sales.Sum(s => (long)s.Orders), buyers);
        return Task.FromResult(new StatsData(totals, sales, days));
    }

    /// <summary>The unix epoch as a <see cref="DateOnly.DayNumber"/>: stored days count from 1970-01-01.</summary>
    private static readonly int Epoch = new DateOnly(1970, 1, 1).DayNumber;
}
