using FlashSale.Admin;
using Microsoft.Data.Sqlite;
using static FlashSale.Storage.Embedded.SqliteValues;

namespace FlashSale.Storage.Embedded;

/// <summary>Stats from the aggregate tables (RecordTotals.cs): only the few orders past the totals mark are read.</summary>
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
            command.CommandText = $"{SaleTotalsQuery} ORDER BY s.starts_at, s.created_at";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                sales.Add(ReadTotals(reader));
            }
        }

        var days = new List<DayTotals>();
        using (var command = connection.CreateCommand())
        {
            command.Transaction = tx;
            command.CommandText = RecordTotals.DayTotals;
            Add(command, "$first", firstDay.DayNumber - Epoch);
            Add(command, "$last", lastDay.DayNumber - Epoch);
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                days.Add(new DayTotals(DateOnly.FromDayNumber(Epoch + reader.GetInt32(0)), reader.GetString(1),
                    FromMinor(reader.GetInt64(2)), reader.GetInt64(3), reader.GetInt64(4)));
            }
        }

        long buyers;
        using (var command = connection.CreateCommand())
        {
            command.Transaction = tx;
            command.CommandText = RecordTotals.UniqueBuyers;
            buyers = Convert.ToInt64(command.ExecuteScalar() ?? 0L, System.Globalization.CultureInfo.InvariantCulture);
        }

        tx.Commit();
        var totals = new StatsTotals(sales.Sum(s => (long)s.Units), sales.Sum(s => (long)s.Orders), buyers);
        return Task.FromResult(new StatsData(totals, sales, days));
    }

    public Task<SaleTotals?> GetSaleAsync(Guid saleId, CancellationToken ct)
    {
        using var connection = db.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"{SaleTotalsQuery} WHERE s.id = $sale";
        Add(command, "$sale", Id(saleId));
        using var reader = command.ExecuteReader();
        return Task.FromResult(reader.Read() ? ReadTotals(reader) : null);
    }

    public Task<IReadOnlyList<SellPoint>> GetSellCurveAsync(Guid saleId, int maxPoints, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPoints, 2);
        using var connection = db.Open();
        // One snapshot: the probes below see the same orders.
        using var tx = connection.BeginTransaction(deferred: true);
        var stock = Scalar(connection, tx, "SELECT total_stock FROM sales WHERE id = $sale", saleId);
        if (stock is null)
        {
            return Task.FromResult<IReadOnlyList<SellPoint>>([]);
        }

        var points = new List<SellPoint>();
        // The index (sale_id, seq) answers each of these with a seek; OFFSET skips index entries only.
        var large = Scalar(connection, tx, "SELECT seq FROM orders WHERE sale_id = $sale ORDER BY seq LIMIT 1 OFFSET $n", saleId, maxPoints);
        using var probe = connection.CreateCommand();
        probe.Transaction = tx;
        Add(probe, "$sale", Id(saleId));
        var from = probe.Parameters.AddWithValue("$from", 0L);
        var limit = probe.Parameters.AddWithValue("$limit", large is null ? maxPoints : 1);
        probe.CommandText = """
            SELECT seq, purchased_at, remaining_after FROM orders
            WHERE sale_id = $sale AND seq >= $from ORDER BY seq LIMIT $limit
            """;
        if (large is null)
        {
            Read(probe, points, stock.Value, long.MinValue);
            return Task.FromResult<IReadOnlyList<SellPoint>>(points);
        }

        var first = Scalar(connection, tx, "SELECT seq FROM orders WHERE sale_id = $sale ORDER BY seq LIMIT 1", saleId)!.Value;
        var last = Scalar(connection, tx, "SELECT seq FROM orders WHERE sale_id = $sale ORDER BY seq DESC LIMIT 1", saleId)!.Value;
        var previous = long.MinValue;
        for (var i = 0; i < maxPoints; i++)
        {
            from.Value = first + ((last - first) * i / (maxPoints - 1));
            previous = Read(probe, points, stock.Value, previous);
        }

        return Task.FromResult<IReadOnlyList<SellPoint>>(points);
    }

    /// <summary>Adds the probe's orders (those after <paramref name="previous"/>) as points; returns the last seq read.</summary>
    private static long Read(SqliteCommand probe, List<SellPoint> points, long stock, long previous)
    {
        using var reader = probe.ExecuteReader();
        while (reader.Read())
        {
            var seq = reader.GetInt64(0);
            if (seq > previous)
            {
                points.Add(new SellPoint(FromMs(reader.GetInt64(1)), (int)(stock - reader.GetInt64(2))));
                previous = seq;
            }
        }

        return previous;
    }

    private static long? Scalar(SqliteConnection connection, SqliteTransaction tx, string sql, Guid saleId, int? n = null)
    {
        using var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = sql;
        Add(command, "$sale", Id(saleId));
        Add(command, "$n", n);
        return command.ExecuteScalar() is long value ? value : null;
    }

    private const string SaleTotalsQuery = $"""
        SELECT s.id, s.sku, s.product_name, s.description, s.price_minor, s.currency, s.image_url, s.total_stock,
               s.per_user_limit, s.starts_at, s.ends_at, s.created_at,
               COALESCE(t.units, 0), COALESCE(t.revenue_minor, 0), COALESCE(t.orders, 0), t.last_purchased_at,
               t.sold_out_at
        FROM sales s LEFT JOIN ({RecordTotals.SaleTotals}) t ON t.sale_id = s.id
        """;

    private static SaleTotals ReadTotals(SqliteDataReader reader) =>
        new(SqliteSaleStore.Read(reader), reader.GetInt32(12), FromMinor(reader.GetInt64(13)),
            reader.GetInt32(14), NullableTime(reader, 15), NullableTime(reader, 16));

    /// <summary>The unix epoch as a <see cref="DateOnly.DayNumber"/>: stored days count from 1970-01-01.</summary>
    private static readonly int Epoch = new DateOnly(1970, 1, 1).DayNumber;
}
