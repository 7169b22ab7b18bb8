using BenchmarkDotNet.Attributes;
using FlashSale.Sales;
using FlashSale.Storage;
using FlashSale.Storage.Embedded;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace FlashSale.Bench.Micro;

/// <summary>
/// The group commit: one batch of N order inserts through <see cref="GroupCommitter"/> into a temp
/// SQLite file (WAL, synchronous=FULL: one fsync per batch), timed until every caller has its answer.
/// Time per insert = mean / BatchSize.
/// </summary>
public class GroupCommitBenchmarks
{
    private string _folder = "";
    private GroupCommitter _committer = null!;
    private Sale _sale = null!;
    private Task<int>[] _writes = [];

    [Params(1, 16, 256)]
    public int BatchSize { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _folder = Path.Combine(Path.GetTempPath(), $"flashsale-micro-{Guid.NewGuid():N}");
        var options = Options.Create(new StorageOptions { DataPath = _folder, MaxBatchSize = 1024 });
        var db = new SqliteDatabase(options);
        db.Migrate();
        _sale = BenchData.OpenSale(10_000_000, 1);
        if (!new SqliteSaleStore(db).TryCreateAsync(_sale, CancellationToken.None).GetAwaiter().GetResult())
        {
            throw new InvalidOperationException("The benchmark sale could not be created.");
        }

        _committer = new GroupCommitter(db, new BuyerOrders(), options, NullLogger<GroupCommitter>.Instance);
        _committer.StartAsync(CancellationToken.None).GetAwaiter().GetResult();
        _writes = new Task<int>[BatchSize];
    }

    [Benchmark]
    public async Task<int> CommitBatch()
    {
        if (BatchSize == 1)
        {
            return await _committer.WriteAsync(new InsertOrder(BenchData.NewOrder(_sale)));
        }

        var gate = new GateWrite();
        var held = _committer.WriteAsync(gate);
        gate.WaitUntilHeld();
        for (var i = 0; i < _writes.Length; i++)
        {
            _writes[i] = _committer.WriteAsync(new InsertOrder(BenchData.NewOrder(_sale)));
        }

        gate.Release();
        await held;
        var rows = await Task.WhenAll(_writes);
        return rows.Length;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _committer.StopAsync(CancellationToken.None).GetAwaiter().GetResult();
        _committer.Dispose();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }
}
