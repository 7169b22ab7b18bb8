using BenchmarkDotNet.Attributes;
using FlashSale.Orders;
using FlashSale.Sales;
using FlashSale.Storage;
using FlashSale.Storage.Embedded;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using static FlashSale.Storage.Embedded.SqliteValues;

namespace FlashSale.Bench.Micro;

/// <summary>
/// Diagnosis for the group commit: the CPU cost of a batch's inserts alone (the transaction is
/// rolled back: no WAL write, no fsync). <see cref="InsertOrderAsToday"/> runs the server's
/// <c>InsertOrder</c>, a new command per row; <see cref="PreparedCommandReused"/> is the same SQL
/// prepared once per batch, to show what statement preparation costs.
/// </summary>
public class SqliteInsertBenchmarks
{
    private const string Sql = """
        INSERT INTO orders (id, sale_id, user_id, username, quantity, unit_price_minor, currency, purchased_at,
                            remaining_after, idempotency_key, status)
        VALUES ($id, $sale, $user, $username, $quantity, $price, $currency, $at, $remaining, $key, 0)
        """;

    private string _folder = "";
    private SqliteConnection _connection = null!;
    private Sale _sale = null!;
    private Order[] _orders = [];

    [Params(256)]
    public int BatchSize { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _folder = Path.Combine(Path.GetTempPath(), $"flashsale-micro-{System.Guid.NewGuid():N}");
        var db = new SqliteDatabase(Options.Create(new StorageOptions { DataPath = _folder }));
        db.Migrate();
        _sale = BenchData.OpenSale(10_000_000, 1);
        if (!new SqliteSaleStore(db).TryCreateAsync(_sale, CancellationToken.None).GetAwaiter().GetResult())
        {
            throw new InvalidOperationException("The benchmark sale could not be created.");
        }

        _connection = db.OpenWriter();
        _orders = [.. Enumerable.Range(0, BatchSize).Select(_ => BenchData.NewOrder(_sale))];
    }

    [Benchmark]
    public int InsertOrderAsToday()
    {
        using var tx = _connection.BeginTransaction();
        var rows = 0;
        foreach (var order in _orders)
        {
            rows += new InsertOrder(order).Apply(_connection, tx);
        }

        tx.Rollback();
        return rows;
    }

    [Benchmark]
    public int PreparedCommandReused()
    {
        using var tx = _connection.BeginTransaction();
        using var command = _connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = Sql;
        var first = _orders[0];
        Add(command, "$id", Id(first.Id));
        Add(command, "$sale", Id(first.SaleId));
        Add(command, "$user", first.UserId);
        Add(command, "$username", first.Username);
        Add(command, "$quantity", first.Quantity);
        Add(command, "$price", ToMinor(first.UnitPrice));
        Add(command, "$currency", first.Currency);
        Add(command, "$at", ToMs(first.PurchasedAt));
        Add(command, "$remaining", first.RemainingAfter);
        Add(command, "$key", DBNull.Value);
        command.Prepare();
        var p = command.Parameters;
        var rows = 0;
        foreach (var order in _orders)
        {
            p[0].Value = Id(order.Id);
            p[1].Value = Id(order.SaleId);
            p[2].Value = order.UserId;
            p[3].Value = order.Username;
            p[4].Value = order.Quantity;
            p[5].Value = ToMinor(order.UnitPrice);
            p[6].Value = order.Currency;
            p[7].Value = ToMs(order.PurchasedAt);
            p[8].Value = order.RemainingAfter;
            p[9].Value = (object?)order.IdempotencyKey ?? DBNull.Value;
            rows += command.ExecuteNonQuery();
        }

        tx.Rollback();
        return rows;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _connection.Dispose();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }
}
