using BenchmarkDotNet.Attributes;
using FlashSale.Orders;
using FlashSale.Sales;
using FlashSale.Storage;
using FlashSale.Storage.Embedded;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace FlashSale.Bench.Micro;

/// <summary>
/// Diagnosis for the group commit: the CPU cost of a batch's inserts alone (the transaction is
/// rolled back: no WAL write, no fsync), through the writer session's prepared INSERT exactly as
/// the server runs it.
/// </summary>
public class SqliteInsertBenchmarks
{
    private string _folder = "";
    private SqliteConnection _connection = null!;
    private WriterSession _session = null!;
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
        _session = new WriterSession(_connection);
        _orders = [.. Enumerable.Range(0, BatchSize).Select(_ => BenchData.NewOrder(_sale))];
    }

    /// <summary>The group committer's own path: the writer session's prepared INSERT, rolled back (no fsync).</summary>
    [Benchmark]
    public int InsertOrders()
    {
        using var tx = _connection.BeginTransaction();
        _session.Transaction = tx;
        var rows = 0;
        foreach (var order in _orders)
        {
            rows += new InsertOrder(order).Apply(_session);
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
