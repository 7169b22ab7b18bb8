using System.Diagnostics;
using FlashSale.Storage.Postgres;
using FlashSale.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace FlashSale.Tests.Distributed;

/// <summary>
/// PostgreSQL stalled (accepts, never replies; here a <see cref="TcpProxy"/> that holds every byte): the record's
/// bounded lookups and pings answer within their bound, leave the thread pool free, and the record answers at once
/// when the stall ends. Cancelling the commands at their bound instead (the code before 2026-12-04) made Npgsql send a
/// cancel request from the cancelling thread and wait there for the stalled server, and the cancelled connections
/// were broken when it returned: in this test the first ping after the stall failed; in the outage drill under the
/// full suite's load, no attempt was answered during a 5 s stall, not even with 503.
/// </summary>
public sealed class RecordStallTests : IAsyncLifetime
{
    private const int Lookups = 48;
    private readonly TestStorage _storage = TestStorage.Create(StorageKind.Redis);
    private TcpProxy _proxy = null!;
    private NpgsqlDataSource _db = null!;
    private PostgresOrderRecord _record = null!;

    public async Task InitializeAsync()
    {
        var target = new NpgsqlConnectionStringBuilder(_storage.PostgresConnectionString);
        _proxy = new TcpProxy(target.Host!, target.Port);
        _db = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(_storage.PostgresConnectionString) { Port = _proxy.Port, Timeout = 2 }.ConnectionString);
        _record = new PostgresOrderRecord(_db);
        await PostgresMigrations.ApplyAsync(_db, NullLogger.Instance, CancellationToken.None);
    }

    [Fact]
    public async Task LookupsAndPingsDuringAStall_AnswerInTheirBound_AndLeaveThePoolItsThreads()
    {
        // Open connections for every lookup first: a stall hits commands on live connections, the case Npgsql cancels.
        await Task.WhenAll(Enumerable.Range(0, Lookups).Select(async _ =>
        {
            await using var command = _db.CreateCommand("SELECT pg_sleep(0.05)");
            await command.ExecuteNonQueryAsync();
        }));

        _proxy.Stall();
        try
        {
            var started = Stopwatch.StartNew();
            var found = await Task.WhenAll(Enumerable.Range(0, Lookups).Select(_ => _record.ExistsWithinAsync(Guid.NewGuid(), TimeSpan.FromMilliseconds(300))));
            var ping = _record.PingUncancelledAsync();
            var pinged = await Task.WhenAny(ping, Task.Delay(TimeSpan.FromMilliseconds(300))) == ping;

            Assert.All(found, Assert.False);
            Assert.False(pinged, "a ping cannot be answered during the stall");
            Assert.True(started.Elapsed < TimeSpan.FromSeconds(3), $"the bounded calls took {started.Elapsed.TotalSeconds:F1} s");

            // Past the bounds (where a cancellation would have fired), work queued on the pool still runs at once.
            await Task.Delay(TimeSpan.FromMilliseconds(500));
            var queued = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => Thread.Sleep(1))));
            Assert.True(queued.Elapsed < TimeSpan.FromSeconds(2), $"pool work waited {queued.Elapsed.TotalSeconds:F1} s for a thread during the stall");
        }
        finally
        {
            _proxy.Resume();
        }

        // The abandoned queries finish once PostgreSQL answers again.
        Assert.Null(await _record.PingUncancelledAsync().WaitAsync(TimeSpan.FromSeconds(10)));
    }

    public async Task DisposeAsync()
    {
        await _db.DisposeAsync();
        await _proxy.DisposeAsync();
        await _storage.DisposeAsync();
    }
}
