using FlashSale.Storage;
using FlashSale.Storage.Embedded;
using FlashSale.Storage.Postgres;
using FlashSale.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace FlashSale.Tests.Storage;

/// <summary>
/// Each record keeps the first moment a sale sold out (SQLite step 7, PostgreSQL 0011) as its orders are recorded, whatever
/// is cancelled and sold again since, and the migration finds it for the orders already there. A sale of 2 units: one
/// bought at 1 s, the last at 4 s (sold out), that one cancelled, the unit sold again at 112 s.
/// </summary>
public sealed class SqliteSoldOutAtTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 12, 7, 9, 0, 0, TimeSpan.Zero);
    private readonly string _folder = Directory.CreateTempSubdirectory("flashsale-soldout-").FullName;
    private readonly SqliteDatabase _db;
    private readonly SqliteConnection _writer;
    private readonly Guid _sale = Guid.CreateVersion7();

    public SqliteSoldOutAtTests()
    {
        _db = new SqliteDatabase(Options.Create(new StorageOptions { DataPath = _folder }));
        _writer = _db.OpenWriter();
    }

    /// <summary>The catch-up adds the orders to the sale's totals in bulk (RecordTotals.cs): before it, between, after.</summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task SellOutOrderCancelled_BeforeOrAfterItsCatchUp_TheFirstSellOutStays(bool catchUpBetween)
    {
        SqliteMigrations.Apply(_writer);
        AddSale(totalStock: 2);
        Order("a", 1, remainingAfter: 1);
        var last = Order("b", 4, remainingAfter: 0);
        Assert.Equal(Start.AddSeconds(4), await SoldOutAtAsync());
        if (catchUpBetween)
        {
            RecordTotals.CatchUp(_writer);
        }

        Execute($"UPDATE orders SET status = 2, cancelled_at = {Ms(30)} WHERE id = '{last}'");
        Assert.Equal(Start.AddSeconds(4), await SoldOutAtAsync());
        if (catchUpBetween)
        {
            RecordTotals.CatchUp(_writer);
        }

        Order("c", 112, remainingAfter: 0);
        Assert.Equal(Start.AddSeconds(4), await SoldOutAtAsync());
        RecordTotals.CatchUp(_writer);
        Assert.Equal(Start.AddSeconds(4), await SoldOutAtAsync());
        Assert.Equal(2, (await new SqliteStatsStore(_db).GetSaleAsync(_sale, CancellationToken.None))!.Units);
    }

    [Fact]
    public async Task Migration_FindsTheFirstSellOut_OrKeepsTheLastPurchaseWhenNoOrderLeftNone()
    {
        SqliteMigrations.Apply(_writer, upTo: 6);
        AddSale(totalStock: 2);
        var repaired = Guid.CreateVersion7();
        AddSale(totalStock: 1, repaired);
        Order("a", 1, remainingAfter: 1);
        var last = Order("b", 4, remainingAfter: 0);
        Order("d", 7, remainingAfter: 3, repaired);   // sold out, though its ledger said 3 were left (totals repaired by hand)
        // The sale totals' part of the catch-up as the schema before counted them (today's counts sold_out_at as well).
        Execute("""
            INSERT INTO sale_totals (sale_id, units, revenue_minor, orders, last_purchased_at)
                SELECT sale_id, SUM(quantity), SUM(quantity * unit_price_minor), COUNT(*), MAX(purchased_at) FROM orders GROUP BY sale_id;
            UPDATE totals_mark SET seq = (SELECT MAX(seq) FROM orders);
            """);
        Execute($"UPDATE orders SET status = 2, cancelled_at = {Ms(30)} WHERE id = '{last}'");
        Order("c", 112, remainingAfter: 0);   // past the mark

        SqliteMigrations.Apply(_writer);

        Assert.Equal(Start.AddSeconds(4), await SoldOutAtAsync());
        Assert.Equal(Start.AddSeconds(7), await SoldOutAtAsync(repaired));
    }

    private async Task<DateTimeOffset?> SoldOutAtAsync(Guid? sale = null) =>
        (await new SqliteStatsStore(_db).GetSaleAsync(sale ?? _sale, CancellationToken.None))!.SoldOutAt;

    private void AddSale(int totalStock, Guid? id = null) => Execute($"""
        INSERT INTO sales (id, sku, product_name, description, price_minor, currency, image_url, total_stock,
                           per_user_limit, starts_at, ends_at, created_at)
        VALUES ('{(id ?? _sale):D}', 'sku-{Guid.NewGuid():N}', 'Unit', '', 1000, 'EUR', NULL, {totalStock}, 1, {Ms(0)}, {Ms(3600)}, {Ms(-60)})
        """);

    private string Order(string user, int second, int remainingAfter, Guid? sale = null)
    {
        var id = Guid.CreateVersion7().ToString("D");
        Execute($"""
            INSERT INTO orders (id, sale_id, user_id, username, quantity, unit_price_minor, currency, purchased_at, remaining_after, status)
            VALUES ('{id}', '{(sale ?? _sale):D}', '{user}', '{user}', 1, 1000, 'EUR', {Ms(second)}, {remainingAfter}, 0)
            """);
        return id;
    }

    private static long Ms(int second) => Start.AddSeconds(second).ToUnixTimeMilliseconds();

    private void Execute(string sql)
    {
        using var command = _writer.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    public void Dispose()
    {
        _writer.Dispose();
        _db.Dispose();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }
}

public sealed class PostgresSoldOutAtTests : RecordDatabaseTest
{
    private static readonly DateTimeOffset Start = new(2026, 12, 7, 9, 0, 0, TimeSpan.Zero);
    private readonly PostgresStatsStore _stats;

    public PostgresSoldOutAtTests() =>
        _stats = new PostgresStatsStore(new PostgresRequests(Db, new RecordHealth(), TimeSpan.FromSeconds(5)));

    [Fact]
    public async Task SoldOutThenCancelledAndSoldAgain_TheFirstSellOutStays()
    {
        await PostgresMigrations.ApplyAsync(Db, NullLogger.Instance, CancellationToken.None);
        var sale = await AddSaleAsync(totalStock: 2);
        await InsertAsync(sale, ("a", 1, 1));
        var last = await InsertAsync(sale, ("b", 4, 0));
        Assert.Equal(Start.AddSeconds(4), await SoldOutAtAsync(sale));

        await CancelAsync(last[0], 30);
        Assert.Equal(Start.AddSeconds(4), await SoldOutAtAsync(sale));
        await InsertAsync(sale, ("c", 112, 0));
        await ExecuteAsync("SELECT stats_catch_up(1000)");
        Assert.Equal(Start.AddSeconds(4), await SoldOutAtAsync(sale));
        Assert.Equal(2, (await _stats.GetSaleAsync(sale, CancellationToken.None))!.Units);
    }

    /// <summary>
    /// Batches of one sale are recorded in no set order: instances' persisters interleave, and a crashed instance's entries
    /// are claimed 15 s later. Stock 3: bought at 1, 2 and 4 s; the 1 s order recorded last. The sell-out is the order
    /// that took the last unit (4 s), not the one recorded last that brought the record to its stock (the first cut of
    /// migration 0011 took that one: 1 s, "sold out in 1 s").
    /// </summary>
    [Fact]
    public async Task BatchesRecordedOutOfOrder_TheOrderThatTookTheLastUnitIsTheSellOut()
    {
        await PostgresMigrations.ApplyAsync(Db, NullLogger.Instance, CancellationToken.None);
        var sale = await AddSaleAsync(totalStock: 3);
        await InsertAsync(sale, ("b", 2, 1));
        await InsertAsync(sale, ("c", 4, 0));
        Assert.Equal(Start.AddSeconds(4), await SoldOutAtAsync(sale));
        await InsertAsync(sale, ("a", 1, 2));

        Assert.Equal(Start.AddSeconds(4), await SoldOutAtAsync(sale));
        Assert.Equal(3, (await _stats.GetSaleAsync(sale, CancellationToken.None))!.Units);
        Assert.Null(await SoldOutAtAsync(await AddSaleAsync(totalStock: 3)));
    }

    /// <summary>One statement is one trigger call: of its orders, the earliest that took a last unit.</summary>
    [Fact]
    public async Task OneStatement_TheEarliestOrderThatTookTheLastUnitIsTheSellOut()
    {
        await PostgresMigrations.ApplyAsync(Db, NullLogger.Instance, CancellationToken.None);
        var sale = await AddSaleAsync(totalStock: 2);
        // Sold out at 3 s, a unit cancelled back and sold again at 5 s, all recorded in one batch (in seq order 5 s first).
        await InsertAsync(sale, ("c", 5, 0), ("a", 1, 1), ("b", 3, 0));

        Assert.Equal(Start.AddSeconds(3), await SoldOutAtAsync(sale));
    }

    [Fact]
    public async Task Migration_FindsTheFirstSellOut_InTheOrdersThatTookALastUnit()
    {
        await PostgresMigrations.ApplyAsync(Db, NullLogger.Instance, upTo: 10, CancellationToken.None);
        var soldOut = await AddSaleAsync(totalStock: 2);
        await InsertAsync(soldOut, ("a", 1, 1));
        await CancelAsync((await InsertAsync(soldOut, ("b", 4, 0)))[0], 30);
        await InsertAsync(soldOut, ("c", 112, 0));
        // Sold out at 4 s, then not since 10 s: its first sell-out is kept (shown only if it sells out again).
        var once = await AddSaleAsync(totalStock: 2);
        var first = await InsertAsync(once, ("a", 1, 1));
        await InsertAsync(once, ("b", 4, 0));
        await CancelAsync(first[0], 10);
        // A cancel before the sale reached its stock: bought at 1 s, cancelled at 2 s, then 3 s and 5 s.
        var later = await AddSaleAsync(totalStock: 2);
        await CancelAsync((await InsertAsync(later, ("a", 1, 1)))[0], 2);
        await InsertAsync(later, ("b", 3, 1), ("c", 5, 0));
        var never = await AddSaleAsync(totalStock: 5);
        await InsertAsync(never, ("a", 1, 4));

        await PostgresMigrations.ApplyAsync(Db, NullLogger.Instance, CancellationToken.None);

        Assert.Equal(Start.AddSeconds(4), await SoldOutAtAsync(soldOut));
        Assert.Equal(Start.AddSeconds(4), await SoldOutAtAsync(once));
        Assert.Equal(Start.AddSeconds(5), await SoldOutAtAsync(later));
        Assert.Null(await SoldOutAtAsync(never));
    }

    private async Task<DateTimeOffset?> SoldOutAtAsync(Guid sale) =>
        (await _stats.GetSaleAsync(sale, CancellationToken.None))!.SoldOutAt;

    private async Task<Guid> AddSaleAsync(int totalStock)
    {
        var id = Guid.CreateVersion7();
        await ExecuteAsync(PostgresRows.Sale(id, price: 10m, totalStock: totalStock, perUserLimit: 1));
        return id;
    }

    /// <summary>
    /// The orders (buyer, second after the start, the units Redis's decision left) in one statement, as the persister writes
    /// a batch; their ids.
    /// </summary>
    private async Task<List<Guid>> InsertAsync(Guid sale, params (string User, int Second, int RemainingAfter)[] orders)
    {
        var ids = orders.Select(_ => Guid.CreateVersion7()).ToList();
        var rows = orders.Select((o, i) =>
            $"('{ids[i]}', '{sale}', '{o.User}', '{o.User}', 1, 10, 'EUR', '{Start.AddSeconds(o.Second):O}', {o.RemainingAfter}, NULL, true)");
        await ExecuteAsync($"INSERT INTO orders ({PostgresRows.OrderColumns}) VALUES " + string.Join(", ", rows));
        return ids;
    }

    private Task CancelAsync(Guid order, int second) =>
        ExecuteAsync($"UPDATE orders SET status = 2, cancelled_at = '{Start.AddSeconds(second):O}' WHERE id = '{order}'");
}
