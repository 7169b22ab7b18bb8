using FlashSale.Admin;
using Npgsql;

namespace FlashSale.Storage.Postgres;

/// <summary>Stats from the aggregate tables the order triggers maintain (migration 0002): no order is read.</summary>
public sealed class PostgresStatsStore(NpgsqlDataSource db) : IStatsStore
{
    public async Task<StatsData> GetAsync(DateOnly firstDay, DateOnly lastDay, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        // One snapshot: the three reads see the same commits.
        await using var tx = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct);

        var sales = new List<SaleTotals>();
        await using (var command = new NpgsqlCommand($"""
            SELECT {PostgresSaleStore.QualifiedColumns("s")},
                   COALESCE(t.units, 0)::int, COALESCE(t.revenue, 0), COALESCE(t.orders, 0)::int, t.last_purchased_at
            FROM sales s LEFT JOIN sale_totals t ON t.sale_id = s.id
            ORDER BY s.starts_at, s.created_at
            """, connection, tx))
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                sales.Add(new SaleTotals(PostgresSaleStore.Read(reader), reader.GetInt32(12), PgValues.Money(reader.GetDecimal(13)),
                    reader.GetInt32(14), PgValues.NullableTime(reader, 15)));
            }
        }

        var days = new List<DayTotals>();
        await using (var command = new NpgsqlCommand("""
            SELECT day, revenue, units, orders FROM daily_totals
            WHERE day BETWEEN $1 AND $2 AND orders > 0 ORDER BY day
            """, connection, tx))
        {
            command.Parameters.AddWithValue(firstDay);
            command.Parameters.AddWithValue(lastDay);
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                days.Add(new DayTotals(reader.GetFieldValue<DateOnly>(0), PgValues.Money(reader.GetDecimal(1)),
                    reader.GetInt64(2), reader.GetInt64(3)));
            }
        }

        long buyers;
        await using (var command = new NpgsqlCommand("SELECT unique_buyers FROM stats_counters WHERE id = 1", connection, tx))
        {
            buyers = await command.ExecuteScalarAsync(ct) is long count ? count : 0;
        }

        await tx.CommitAsync(ct);
        var totals = new StatsTotals(sales.Sum(s => s.Revenue), sales.Sum(s => (long)s.Units), sales.Sum(s => (long)s.Orders), buyers);
        return new StatsData(totals, sales, days);
    }
}
