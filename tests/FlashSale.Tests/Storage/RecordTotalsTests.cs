using System.Globalization;
using FlashSale.Storage;
using FlashSale.Storage.Embedded;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace FlashSale.Tests.Storage;

/// <summary>
/// The embedded record keeps its totals in bulk (RecordTotals.cs): orders past the mark are in no
/// total yet. Whatever the interleaving of orders, cancels, deletes and catch-ups, the stats (each
/// sale's and day's units, revenue, orders and last purchase; the unique buyers) and each buyer's
/// orders must equal a plain scan of the orders.
/// </summary>
public sealed class RecordTotalsTests : IDisposable
{
    private static readonly string[] Users = [.. Enumerable.Range(0, 12).Select(i => $"user-{i:D2}")];
    private readonly string _folder = Directory.CreateTempSubdirectory("flashsale-buyers-").FullName;
    private readonly SqliteDatabase _db;
    private readonly SqliteConnection _writer;
    private readonly Guid[] _sales = [Guid.CreateVersion7(), Guid.CreateVersion7()];
    private readonly BuyerOrders _buyers = new();
    private int _orders;

    public RecordTotalsTests()
    {
        _db = new SqliteDatabase(Options.Create(new StorageOptions { DataPath = _folder }));
        _writer = _db.OpenWriter();
    }

    [Fact]
    public async Task AnyInterleavingOfOrdersCancelsDeletesAndCatchUps_TotalsLikeAScanOfTheOrders()
    {
        SqliteMigrations.Apply(_writer);
        AddSales();
        var random = new Random(20261123);
        for (var step = 0; step < 400; step++)
        {
            var roll = random.Next(100);
            if (roll < 60)
            {
                Order(Users[random.Next(Users.Length)], _sales[random.Next(2)]);
            }
            else if (roll < 75)
            {
                Execute("UPDATE orders SET status = 2 WHERE status = 0 AND seq = (SELECT seq FROM orders WHERE status = 0 ORDER BY random() LIMIT 1)");
            }
            else if (roll < 80)
            {
                Execute("DELETE FROM orders WHERE seq = (SELECT seq FROM orders ORDER BY random() LIMIT 1)");
            }
            else
            {
                RecordTotals.CatchUp(_writer);
                Assert.Equal(0, RecordTotals.Lag(_writer));
            }

            if (step % 10 == 0)
            {
                await AssertMatchesScanAsync($"step {step}");
            }
        }

        RecordTotals.CatchUp(_writer);
        await AssertMatchesScanAsync("after the last catch-up");
    }

    [Fact]
    public async Task DeletingOrdersOnEitherSideOfTheMark_KeepsTheCountExact()
    {
        SqliteMigrations.Apply(_writer);
        AddSales();
        Order("user-00", _sales[0]);
        Order("user-01", _sales[0]);
        RecordTotals.CatchUp(_writer);
        Order("user-01", _sales[1]);
        Order("user-02", _sales[1]);

        Execute("DELETE FROM orders WHERE user_id = 'user-00'"); // counted
        Execute("DELETE FROM orders WHERE user_id = 'user-02'"); // past the mark
        await AssertMatchesScanAsync("after the deletes");
        RecordTotals.CatchUp(_writer);
        await AssertMatchesScanAsync("after the catch-up");
        Assert.Equal(1, Scalar("SELECT unique_buyers FROM stats_counters"));
    }

    [Fact]
    public async Task OrdersPastTheMark_AreCountedAtOnce_AndTheCatchUpMovesThemIntoTheTotals()
    {
        SqliteMigrations.Apply(_writer);
        AddSales();
        Order("user-00", _sales[0]);
        Order("user-00", _sales[1]);
        Order("user-01", _sales[0]);

        Assert.Equal(3, RecordTotals.Lag(_writer));
        Assert.Equal(0, Scalar("SELECT unique_buyers FROM stats_counters"));
        await AssertMatchesScanAsync("before the catch-up");

        Assert.Equal(3, RecordTotals.CatchUp(_writer));
        Assert.Equal(0, RecordTotals.Lag(_writer));
        Assert.Equal(2, Scalar("SELECT unique_buyers FROM stats_counters"));
        Assert.Equal(2, Scalar("SELECT orders FROM buyer_totals WHERE user_id = 'user-00'"));
        await AssertMatchesScanAsync("after the catch-up");
        Assert.Equal(0, RecordTotals.CatchUp(_writer));
    }

    [Fact]
    public async Task MigrationFromTheSchemaWithAPerUserIndex_CountsEveryExistingOrder()
    {
        SqliteMigrations.Apply(_writer, upTo: 2);
        AddSales();
        foreach (var user in Users.Take(5))
        {
            Order(user, _sales[0]);
            Order(user, _sales[1]);
        }

        Execute("UPDATE orders SET status = 2 WHERE user_id = 'user-00'");
        SqliteMigrations.Apply(_writer);

        Assert.Equal(0, RecordTotals.Lag(_writer));
        Assert.Equal(4, Scalar("SELECT unique_buyers FROM stats_counters"));
        Assert.Equal(0, Scalar("SELECT COUNT(*) FROM sqlite_master WHERE name = 'ix_orders_user'"));
        await AssertMatchesScanAsync("after the migration");
    }

    [Fact]
    public async Task MigrationFromTheTriggerCountedTotals_WithOrdersPastTheBuyerMark_CountsEachOrderOnce()
    {
        SqliteMigrations.Apply(_writer, upTo: 2);
        AddSales();
        Order("user-00", _sales[0]);
        Order("user-01", _sales[1]);
        SqliteMigrations.Apply(_writer, upTo: 3);
        // Past the buyer mark: in the sale and day totals (the old insert trigger), not yet in the buyer counts.
        Order("user-01", _sales[0]);
        Order("user-02", _sales[0]);
        Execute("UPDATE orders SET status = 2 WHERE user_id = 'user-02'");

        SqliteMigrations.Apply(_writer);

        Assert.Equal(0, RecordTotals.Lag(_writer));
        Assert.Equal(2, Scalar("SELECT unique_buyers FROM stats_counters"));
        Assert.Equal(2, Scalar("SELECT units FROM sale_totals WHERE sale_id = '" + _sales[0].ToString("D") + "'"));
        await AssertMatchesScanAsync("after the migration");
        Order("user-03", _sales[1]);
        Execute("UPDATE orders SET status = 2 WHERE user_id = 'user-00'");
        await AssertMatchesScanAsync("after an order and a cancel on the new schema");
    }

    private async Task AssertMatchesScanAsync(string when)
    {
        var orders = new SqliteOrderStore(_db, _buyers);
        foreach (var user in Users)
        {
            var listed = (await orders.ListByUserAsync(user, 1000, null, CancellationToken.None))!.Items.Select(o => o.Id.ToString("D")).ToList();
            Assert.True(Strings($"SELECT id FROM orders WHERE user_id = '{user}' ORDER BY seq DESC").SequenceEqual(listed),
                $"{when}: {user}'s orders differ from a scan");
            foreach (var sale in _sales)
            {
                var inSale = (await orders.ListByUserAndSaleAsync(user, sale, CancellationToken.None)).Select(o => o.Id.ToString("D")).ToList();
                Assert.True(Strings($"SELECT id FROM orders WHERE user_id = '{user}' AND sale_id = '{sale:D}' ORDER BY seq").SequenceEqual(inSale),
                    $"{when}: {user}'s orders in a sale differ from a scan");
            }
        }

        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var stats = await new SqliteStatsStore(_db).GetAsync(today.AddDays(-6), today, CancellationToken.None);
        Assert.Equal(Scalar("SELECT COUNT(DISTINCT user_id) FROM orders WHERE status = 0"), stats.Totals.UniqueBuyers);
        foreach (var sale in _sales)
        {
            var shown = stats.Sales.Single(s => s.Sale.Id == sale);
            var where = $"FROM orders WHERE sale_id = '{sale:D}' AND status = 0";
            Assert.True(Scalar($"SELECT COALESCE(SUM(quantity), 0) {where}") == shown.Units, $"{when}: units of a sale differ from a scan");
            Assert.True(Scalar($"SELECT COUNT(*) {where}") == shown.Orders, $"{when}: orders of a sale differ from a scan");
            Assert.True(Scalar($"SELECT COALESCE(SUM(quantity * unit_price_minor), 0) {where}") == (long)(shown.Revenue * 100),
                $"{when}: revenue of a sale differs from a scan");
            // A cancel does not move the last purchase back (it never did): it is at least the latest confirmed one.
            var last = Scalar($"SELECT COALESCE(MAX(purchased_at), -1) {where}");
            Assert.True(last < 0 || shown.LastPurchasedAt >= DateTimeOffset.FromUnixTimeMilliseconds(last),
                $"{when}: the last purchase of a sale is before its latest confirmed order");
            Assert.Equal(shown, await new SqliteStatsStore(_db).GetSaleAsync(sale, CancellationToken.None));
        }

        // Each day's totals per currency: the two sales sell in two currencies, and no total adds them together.
        var scanned = Rows("""
            SELECT purchased_at / 86400000, currency, SUM(quantity * unit_price_minor), SUM(quantity), COUNT(*) FROM orders
            WHERE status = 0 GROUP BY 1, 2 ORDER BY 1, 2
            """).Select(r => (Day: (int)(long)r[0], Currency: (string)r[1], Minor: (long)r[2], Units: (long)r[3], Orders: (long)r[4]));
        var epoch = new DateOnly(1970, 1, 1).DayNumber;
        var shownDays = stats.Days.Select(d => (Day: d.Day.DayNumber - epoch, d.Currency, Minor: (long)(d.Revenue * 100), d.Units, d.Orders));
        Assert.True(scanned.SequenceEqual(shownDays), $"{when}: the days differ from a scan: {string.Join(", ", shownDays)}");
        Assert.Equal(Scalar("SELECT COUNT(*) FROM orders WHERE status = 0"), stats.Days.Sum(d => d.Orders));
        Assert.Equal(Scalar("SELECT COALESCE(SUM(quantity), 0) FROM orders WHERE status = 0"), stats.Days.Sum(d => d.Units));
        Assert.All(stats.Days, d => Assert.True(d.Orders > 0, $"{when}: a day without orders is listed"));
    }

    [Fact]
    public async Task MigrationToDayTotalsPerCurrency_SplitsTheCountedDays_AndKeepsThoseBeyondTheMarkForTheCatchUp()
    {
        SqliteMigrations.Apply(_writer, upTo: 3);
        AddSales();
        Order("user-00", _sales[0]);
        Order("user-01", _sales[1]);
        Order("user-02", _sales[1]);
        SqliteMigrations.Apply(_writer, upTo: 5);   // the last schema with one day total for every currency; all three counted
        Execute("UPDATE orders SET status = 2 WHERE user_id = 'user-02'");   // counted, then cancelled
        Order("user-03", _sales[0]);   // past the mark
        Assert.Equal(1, Scalar("SELECT COUNT(*) FROM daily_totals"));   // one day, both currencies added together

        SqliteMigrations.Apply(_writer);

        Assert.Equal(2, Scalar("SELECT COUNT(*) FROM daily_totals"));
        Assert.Equal(1999, Scalar("SELECT revenue_minor FROM daily_totals WHERE currency = 'EUR'"));   // the order past the mark is not in it
        Assert.Equal(2500, Scalar("SELECT revenue_minor FROM daily_totals WHERE currency = 'USD'"));
        await AssertMatchesScanAsync("after the migration");
        RecordTotals.CatchUp(_writer);
        Execute("UPDATE orders SET status = 2 WHERE user_id = 'user-01'");
        Execute("DELETE FROM orders WHERE user_id = 'user-00'");
        await AssertMatchesScanAsync("after a catch-up, a cancel and a delete on the new schema");
        Assert.Equal(1999, Scalar("SELECT revenue_minor FROM daily_totals WHERE currency = 'EUR'"));
        Assert.Equal(0, Scalar("SELECT revenue_minor FROM daily_totals WHERE currency = 'USD'"));
    }

    private void AddSales()
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        foreach (var sale in _sales)
        {
            var (price, currency) = Price(sale);
            Execute($"""
                INSERT INTO sales (id, sku, product_name, description, price_minor, currency, image_url, total_stock,
                                   per_user_limit, starts_at, ends_at, created_at)
                VALUES ('{sale:D}', 'sku-{sale:N}', 'Unit', '', {price}, '{currency}', NULL, 1000000, 1000, {now - 60_000}, {now + 3_600_000}, {now})
                """);
        }
    }

    private void Order(string user, Guid sale)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        _orders++;
        var (price, currency) = Price(sale);
        Execute($"""
            INSERT INTO orders (id, sale_id, user_id, username, quantity, unit_price_minor, currency, purchased_at, remaining_after, status)
            VALUES ('{Guid.CreateVersion7():D}', '{sale:D}', '{user}', '{user}', 1, {price}, '{currency}', {now}, {1_000_000 - _orders}, 0)
            """);
        // What the group committer does after the commit.
        _buyers.Add(user, Scalar("SELECT MAX(seq) FROM orders"));
    }

    /// <summary>The first sale sells in euros, the second in dollars: the day totals are kept per currency.</summary>
    private (long PriceMinor, string Currency) Price(Guid sale) => sale == _sales[0] ? (1999, "EUR") : (2500, "USD");

    private List<object[]> Rows(string sql)
    {
        using var command = _writer.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<object[]>();
        while (reader.Read())
        {
            var row = new object[reader.FieldCount];
            reader.GetValues(row);
            rows.Add(row);
        }

        return rows;
    }

    private void Execute(string sql)
    {
        using var command = _writer.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private long Scalar(string sql)
    {
        using var command = _writer.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    private List<string> Strings(string sql)
    {
        using var command = _writer.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var values = new List<string>();
        while (reader.Read())
        {
            values.Add(reader.GetString(0));
        }

        return values;
    }

    public void Dispose()
    {
        _writer.Dispose();
        _db.Dispose();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }
}
