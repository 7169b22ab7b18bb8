using FlashSale.Admin;
using FlashSale.Storage.Postgres;
using FlashSale.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace FlashSale.Tests.Storage;

/// <summary>
/// The distributed record's stats (migration 0003): a batch of orders leaves one pending row of changes,
/// folded into the aggregates later by <c>stats_catch_up</c>. Whatever the interleaving of batches,
/// cancels, deletes and catch-ups (partial, concurrent), the stats must equal a scan of the orders, and a
/// catch-up must change no figure. Against the real PostgreSQL of scripts/services.sh.
/// </summary>
public sealed class PostgresStatsPendingTests : RecordDatabaseTest
{
    private static readonly string[] Users = [.. Enumerable.Range(0, 12).Select(i => $"user-{i:D2}")];
    private static readonly DateOnly FirstDay = new(2026, 1, 1);
    private static readonly DateOnly LastDay = new(2026, 12, 31);
    private readonly Guid[] _sales = [Guid.CreateVersion7(), Guid.CreateVersion7()];
    private readonly PostgresStatsStore _stats;
    private int _orders;

    public PostgresStatsPendingTests() =>
        _stats = new PostgresStatsStore(new PostgresRequests(Db, new RecordHealth(), TimeSpan.FromSeconds(5)));

    [Fact]
    public async Task AnyInterleavingOfBatchesCancelsDeletesAndCatchUps_StatsLikeAScanOfTheOrders()
    {
        await PostgresMigrations.ApplyAsync(Db, NullLogger.Instance, CancellationToken.None);
        await AddSalesAsync();
        var random = new Random(20261204);
        for (var step = 0; step < 300; step++)
        {
            var roll = random.Next(100);
            if (roll < 55)
            {
                await InsertBatchAsync(random, random.Next(1, 6));
            }
            else if (roll < 70)
            {
                await ExecuteAsync("UPDATE orders SET status = 2 WHERE id = (SELECT id FROM orders WHERE status = 0 ORDER BY random() LIMIT 1)");
            }
            else if (roll < 75)
            {
                await ExecuteAsync("DELETE FROM orders WHERE id = (SELECT id FROM orders ORDER BY random() LIMIT 1)");
            }
            else
            {
                var before = await _stats.GetAsync(FirstDay, LastDay, CancellationToken.None);
                await ExecuteAsync($"SELECT stats_catch_up({random.Next(1, 4)})");
                AssertSame(before, await _stats.GetAsync(FirstDay, LastDay, CancellationToken.None), $"step {step}: a catch-up changed a figure");
            }

            if (step % 10 == 0)
            {
                await AssertMatchesScanAsync($"step {step}");
            }
        }

        Assert.True(await Storage.ScalarAsync("SELECT count(*) FROM stats_pending") > 0, "the walk should end with batches pending");
        await AssertMatchesScanAsync("before the last catch-up");
        await ExecuteAsync("SELECT stats_catch_up(1000000)");
        Assert.Equal(0, await Storage.ScalarAsync("SELECT count(*) FROM stats_pending"));
        await AssertMatchesScanAsync("all caught up");
    }

    [Fact]
    public async Task ConcurrentCatchUps_CountEveryBatchOnce()
    {
        await PostgresMigrations.ApplyAsync(Db, NullLogger.Instance, CancellationToken.None);
        await AddSalesAsync();
        var random = new Random(4);
        for (var i = 0; i < 120; i++)
        {
            await InsertBatchAsync(random, random.Next(1, 5));
        }

        var record = new PostgresOrderRecord(Db);
        var folded = await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
        {
            var total = 0;
            int step;
            while ((step = await record.CatchUpStatsAsync(3, CancellationToken.None)) > 0)
            {
                total += step;
            }

            return total;
        }));

        Assert.Equal(120, folded.Sum());
        await AssertMatchesScanAsync("after eight concurrent catch-ups");
    }

    [Fact]
    public async Task UpgradeFromVersion2_KeepsTheTotalsOfEarlierOrders()
    {
        // A record written by version 2 (its triggers applied every batch at once) ...
        await using (var connection = Storage.OpenDatabase())
        {
            foreach (var file in new[] { "0001_initial.sql", "0002_stats.sql" })
            {
                await using var step = new NpgsqlCommand(await File.ReadAllTextAsync(MigrationFile(file)), connection);
                await step.ExecuteNonQueryAsync();
            }

            await using var version = new NpgsqlCommand(
                "CREATE TABLE schema_version (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now()); " +
                "INSERT INTO schema_version (version) VALUES (1), (2)", connection);
            await version.ExecuteNonQueryAsync();
        }

        await AddSalesAsync();
        var random = new Random(2);
        for (var i = 0; i < 20; i++)
        {
            await InsertBatchAsync(random, 3);
        }

        await ExecuteAsync("UPDATE orders SET status = 2 WHERE id = (SELECT id FROM orders ORDER BY seq LIMIT 1)");

        // ... then version 3, new batches and cancels on both sides of it.
        await PostgresMigrations.ApplyAsync(Db, NullLogger.Instance, CancellationToken.None);
        Assert.Equal(0, await Storage.ScalarAsync("SELECT count(*) FROM stats_pending"));
        await AssertMatchesScanAsync("just upgraded");
        for (var i = 0; i < 10; i++)
        {
            await InsertBatchAsync(random, 3);
        }

        await ExecuteAsync("UPDATE orders SET status = 2 WHERE id IN (SELECT id FROM orders WHERE status = 0 ORDER BY seq LIMIT 1) " +
                           "OR id IN (SELECT id FROM orders WHERE status = 0 ORDER BY seq DESC LIMIT 1)");
        await AssertMatchesScanAsync("upgraded, batches pending");
        await ExecuteAsync("SELECT stats_catch_up(1000)");
        await AssertMatchesScanAsync("upgraded, caught up");
    }

    [Fact]
    public async Task UpgradeToDayTotalsPerCurrency_SplitsTheDays_WithBatchesPendingAcrossIt()
    {
        // A record of version 7 (one day total for every currency), with batches folded and batches pending ...
        await PostgresMigrations.ApplyAsync(Db, NullLogger.Instance, upTo: 7, CancellationToken.None);
        await AddSalesAsync();
        var random = new Random(8);
        for (var i = 0; i < 20; i++)
        {
            await InsertBatchAsync(random, 3);
        }

        await ExecuteAsync("SELECT stats_catch_up(12)");
        await ExecuteAsync("UPDATE orders SET status = 2 WHERE id = (SELECT id FROM orders ORDER BY seq LIMIT 1)");
        Assert.True(await Storage.ScalarAsync("SELECT count(*) FROM stats_pending") > 0, "batches should be pending across the upgrade");

        // ... then version 8: each day per currency, what was pending still pending and counted once.
        await PostgresMigrations.ApplyAsync(Db, NullLogger.Instance, CancellationToken.None);
        await AssertMatchesScanAsync("just upgraded");
        Assert.True(await Storage.ScalarAsync("SELECT count(DISTINCT currency) FROM daily_totals") == 2, "both currencies have day totals");
        await InsertBatchAsync(random, 3);
        await ExecuteAsync("UPDATE orders SET status = 2 WHERE id = (SELECT id FROM orders WHERE status = 0 ORDER BY seq DESC LIMIT 1)");
        await AssertMatchesScanAsync("upgraded, batches pending");
        await ExecuteAsync("SELECT stats_catch_up(1000)");
        await AssertMatchesScanAsync("upgraded, caught up");
    }

    /// <summary>The first sale sells in euros, the second in dollars: the day totals are kept per currency.</summary>
    private string Currency(Guid sale) => sale == _sales[0] ? "EUR" : "USD";

    private static string MigrationFile(string name)
    {
        var folder = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(folder, "FlashSale.slnx")) && !File.Exists(Path.Combine(folder, "FlashSale.sln")))
        {
            folder = Path.GetDirectoryName(folder) ?? throw new InvalidOperationException("repository root not found");
        }

        return Path.Combine(folder, "src", "FlashSale", "Storage", "Postgres", "Migrations", name);
    }

    private async Task AddSalesAsync()
    {
        foreach (var id in _sales)
        {
            await ExecuteAsync(PostgresRows.Sale(id, price: 12.34m, totalStock: 100000, perUserLimit: 100, currency: Currency(id)));
        }
    }

    /// <summary>One statement, as the persister writes a batch: the statement trigger sees all its rows.</summary>
    private async Task InsertBatchAsync(Random random, int size)
    {
        var rows = Enumerable.Range(0, size).Select(_ =>
        {
            var n = ++_orders;
            var at = new DateTimeOffset(2026, 3, 1 + random.Next(3), random.Next(24), 0, 0, TimeSpan.Zero);
            var sale = _sales[random.Next(2)];
            return $"('{Guid.CreateVersion7()}', '{sale}', '{Users[random.Next(Users.Length)]}', 'Buyer', " +
                   $"{random.Next(1, 4)}, {random.Next(1, 5000) / 100m}, '{Currency(sale)}', '{at:O}', {100000 - n}, NULL, false)";
        });
        await ExecuteAsync($"INSERT INTO orders ({PostgresRows.OrderColumns}) VALUES " + string.Join(", ", rows));
    }

    private async Task AssertMatchesScanAsync(string when)
    {
        var stats = await _stats.GetAsync(FirstDay, LastDay, CancellationToken.None);
        await using var connection = Storage.OpenDatabase();
        foreach (var sale in _sales)
        {
            var line = Assert.Single(stats.Sales, s => s.Sale.Id == sale);
            await using var scan = new NpgsqlCommand(
                "SELECT COALESCE(SUM(quantity), 0)::int, COALESCE(SUM(quantity * unit_price), 0), COUNT(*)::int FROM orders WHERE sale_id = $1 AND status = 0",
                connection);
            scan.Parameters.AddWithValue(sale);
            await using var reader = await scan.ExecuteReaderAsync();
            await reader.ReadAsync();
            Assert.True((reader.GetInt32(0), reader.GetDecimal(1), reader.GetInt32(2)) == (line.Units, line.Revenue, line.Orders),
                $"{when}: sale {sale} scan ({reader.GetInt32(0)}, {reader.GetDecimal(1)}, {reader.GetInt32(2)}) vs stats ({line.Units}, {line.Revenue}, {line.Orders})");
        }

        await using (var days = new NpgsqlCommand("""
            SELECT (purchased_at AT TIME ZONE 'UTC')::date, currency, SUM(quantity * unit_price), SUM(quantity)::bigint, COUNT(*)
            FROM orders WHERE status = 0 GROUP BY 1, 2 ORDER BY 1, currency COLLATE "C"
            """, connection))
        await using (var reader = await days.ExecuteReaderAsync())
        {
            var scanned = new List<DayTotals>();
            while (await reader.ReadAsync())
            {
                scanned.Add(new DayTotals(reader.GetFieldValue<DateOnly>(0), reader.GetString(1), reader.GetDecimal(2), reader.GetInt64(3),
                    reader.GetInt64(4)));
            }

            Assert.True(scanned.SequenceEqual(stats.Days),
                $"{when}: days differ from the scan: {string.Join(", ", scanned)} vs {string.Join(", ", stats.Days)}");
        }

        await using var buyers = new NpgsqlCommand("SELECT COUNT(DISTINCT user_id) FROM orders WHERE status = 0", connection);
        Assert.True((long)(await buyers.ExecuteScalarAsync())! == stats.Totals.UniqueBuyers, $"{when}: unique buyers differ from the scan");
    }

    private static void AssertSame(StatsData before, StatsData after, string message)
    {
        Assert.True(before.Totals == after.Totals, message);
        Assert.True(before.Days.SequenceEqual(after.Days), message);
        Assert.True(before.Sales.Select(s => (s.Sale.Id, s.Units, s.Revenue, s.Orders, s.LastPurchasedAt))
            .SequenceEqual(after.Sales.Select(s => (s.Sale.Id, s.Units, s.Revenue, s.Orders, s.LastPurchasedAt))), message);
    }
}
