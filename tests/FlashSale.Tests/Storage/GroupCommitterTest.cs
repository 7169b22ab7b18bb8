using FlashSale.Storage;
using FlashSale.Storage.Embedded;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace FlashSale.Tests.Storage;

/// <summary>A group committer of its own on a fresh, migrated SQLite record in a temporary folder.</summary>
public abstract class GroupCommitterTest : IAsyncLifetime
{
    private readonly string _folder = Directory.CreateTempSubdirectory("flashsale-committer-").FullName;

    protected GroupCommitterTest()
    {
        var options = Options.Create(new StorageOptions { DataPath = _folder });
        Db = new SqliteDatabase(options);
        Committer = new GroupCommitter(Db, new BuyerOrders(), options, NullLogger<GroupCommitter>.Instance);
    }

    protected SqliteDatabase Db { get; }

    protected GroupCommitter Committer { get; }

    public async Task InitializeAsync()
    {
        Db.Migrate();
        await BeforeStartAsync();
        await Committer.StartAsync(CancellationToken.None);
    }

    /// <summary>What a test class puts in the record before the committer starts (its sales).</summary>
    protected virtual Task BeforeStartAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await Committer.StopAsync(CancellationToken.None);
        Committer.Dispose();
        Db.Dispose();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }
}
