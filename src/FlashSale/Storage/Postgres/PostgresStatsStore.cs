using FlashSale.Admin;
using Npgsql;

namespace FlashSale.Storage.Postgres;

/// <summary>
/// Stats from the aggregates the order triggers maintain (migrations 0002, 0003, 0008, 0011): the folded totals plus the
/// batches still pending, through the <c>*_now</c> views. No order is read.
/// </summary>
public sealed class PostgresStatsStore(PostgresRequests db) : IStatsStore
{
    public Task<StatsData> GetAsync(DateOnly firstDay, DateOnly lastDay, CancellationToken ct) =>
        db.RunAsync(c => GetCore(firstDay, lastDay, c), ct);

    private async Task<StatsData> GetCore(DateOnly firstDay, DateOnly lastDay, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        // One snapshot: the three reads see the same commits.
        await using var tx = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct);

        var sales = new List<SaleTotals>();
        await using (var command = db.CreateCommand($"{SaleTotalsQuery} ORDER BY s.starts_at, s.created_at", connection, tx))
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                sales.Add(ReadTotals(reader));
            }
        }

        var days = new List<DayTotals>();
        await using (var command = db.CreateCommand("""
            SELECT day, currency, revenue, units, orders FROM daily_totals_now
            WHERE day BETWEEN $1 AND $2 AND orders > 0 ORDER BY day, currency COLLATE "C"
            """, connection, tx))
        {
            command.Parameters.AddWithValue(firstDay);
            command.Parameters.AddWithValue(lastDay);
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                days.Add(new DayTotals(reader.GetFieldValue<DateOnly>(0), reader.GetString(1), PgValues.Money(reader.GetDecimal(2)),
                    reader.GetInt64(3), reader.GetInt64(4)));
            }
        }

        long buyers;
        await using (var command = db.CreateCommand("SELECT unique_buyers FROM unique_buyers_now", connection, tx))
        {
            buyers = await command.ExecuteScalarAsync(ct) is long count ? count : 0;
        }

        await tx.CommitAsync(ct);
        var totals = new StatsTotals(sales.Sum(s => (long)s.Units), sales.Sum(s => (long)s.Orders), buyers);
        return new StatsData(totals, sales, days);
    }

    public Task<SaleTotals?> GetSaleAsync(Guid saleId, CancellationToken ct) => db.RunAsync(c => GetSaleCore(saleId, c), ct);

    private async Task<SaleTotals?> GetSaleCore(Guid saleId, CancellationToken ct)
    {
        await using var command = db.CreateCommand($"{SaleTotalsQuery} WHERE s.id = $1");
        command.Parameters.AddWithValue(saleId);
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? ReadTotals(reader) : null;
    }

    /// <summary>
    /// Each sale with its totals as of now (folded plus pending) and its first sell-out, which the insert of the order that
    /// reached the stock set in <c>sale_units</c> (migration 0011): one primary-key read per sale, no order read.
    /// </summary>
    private static readonly string SaleTotalsQuery = $"""
        SELECT {PostgresSaleStore.QualifiedColumns("s")},
               COALESCE(t.units, 0)::int, COALESCE(t.revenue, 0), COALESCE(t.orders, 0)::int, t.last_purchased_at, u.sold_out_at
        FROM sales s LEFT JOIN sale_totals_now t ON t.sale_id = s.id LEFT JOIN sale_units u ON u.sale_id = s.id
        """;

    private static SaleTotals ReadTotals(NpgsqlDataReader reader) =>
        new(PostgresSaleStore.Read(reader), reader.GetInt32(12), PgValues.Money(reader.GetDecimal(13)),
            reader.GetInt32(14), PgValues.NullableTime(reader, 15), PgValues.NullableTime(reader, 16));

    public Task<IReadOnlyList<SellPoint>> GetSellCurveAsync(Guid saleId, int maxPoints, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPoints, 2);
        return db.RunAsync(c => GetSellCurveCore(saleId, maxPoints, c), ct);
    }

    private async Task<IReadOnlyList<SellPoint>> GetSellCurveCore(Guid saleId, int maxPoints, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct);
        // The stock, the first and last order, and whether there are more orders than points: index seeks only.
        await using var bounds = db.CreateCommand("""
            SELECT s.total_stock,
                   (SELECT seq FROM orders WHERE sale_id = s.id ORDER BY seq LIMIT 1),
                   (SELECT seq FROM orders WHERE sale_id = s.id ORDER BY seq DESC LIMIT 1),
                   EXISTS (SELECT 1 FROM orders WHERE sale_id = s.id ORDER BY seq OFFSET $2 LIMIT 1)
            FROM sales s WHERE s.id = $1
            """, connection, tx);
        bounds.Parameters.AddWithValue(saleId);
        bounds.Parameters.AddWithValue(maxPoints);
        int stock;
        long first, last;
        bool large;
        await using (var reader = await bounds.ExecuteReaderAsync(ct))
        {
            if (!await reader.ReadAsync(ct) || reader.IsDBNull(1))
            {
                return [];
            }

            stock = reader.GetInt32(0);
            first = reader.GetInt64(1);
            last = reader.GetInt64(2);
            large = reader.GetBoolean(3);
        }

        // Small sales: every order. Large ones: one index seek per point, evenly spread over purchase order.
        await using var points = db.CreateCommand(large
            ? """
              SELECT DISTINCT ON (o.seq) o.seq, o.purchased_at, o.remaining_after
              FROM generate_series(0, $2 - 1) g(i)
              CROSS JOIN LATERAL (SELECT seq, purchased_at, remaining_after FROM orders
                                  WHERE sale_id = $1 AND seq >= $3 + ($4 - $3) * g.i / ($2 - 1)
                                  ORDER BY seq LIMIT 1) o
              ORDER BY o.seq
              """
            : "SELECT seq, purchased_at, remaining_after FROM orders WHERE sale_id = $1 ORDER BY seq", connection, tx);
        points.Parameters.AddWithValue(saleId);
        if (large)
        {
            points.Parameters.AddWithValue(maxPoints);
            points.Parameters.AddWithValue(first);
            points.Parameters.AddWithValue(last);
        }

        var curve = new List<SellPoint>();
        await using (var reader = await points.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                curve.Add(new SellPoint(PgValues.Time(reader, 1), stock - reader.GetInt32(2)));
            }
        }

        await tx.CommitAsync(ct);
        return curve;
    }
}
