using FlashSale.Storage.Postgres;
using FlashSale.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace FlashSale.Tests.Storage;

/// <summary>
/// <c>orders_present</c> (migration 10), which the persister's insert calls for every batch, must look its orders up by the
/// primary key however small the table was when a connection first called it. Written as a plain query in plpgsql, its plan
/// was cached per connection: after a few calls while a new deployment's table held a few rows, the generic plan, a
/// sequential scan, stayed for as long as the connection lived or until an ANALYZE, so every batch read the whole table. A distributed
/// server fell from ~8,500 to ~2,500 purchases/s within a minute of a new database (<c>bench/ab.sh</c>, seen as a
/// "slow half"; PostgreSQL's auto_explain showed the scan).
/// </summary>
public sealed class PostgresOrdersPresentPlanTests : RecordDatabaseTest
{
    [Fact]
    public async Task CalledFirstOnASmallTable_ItStillUsesTheIndexOnceTheTableHasGrown()
    {
        await PostgresMigrations.ApplyAsync(Db, NullLogger.Instance, CancellationToken.None);
        var sale = Guid.CreateVersion7();
        await ExecuteAsync(PostgresRows.Sale(sale, price: 1m, totalStock: 1_000_000, perUserLimit: 1_000_000));
        // No ANALYZE by autovacuum during the test: it would invalidate the cached plan and hide the defect.
        await ExecuteAsync("ALTER TABLE orders SET (autovacuum_enabled = false)");

        // One connection, as a pooled persister connection: its first calls, batches of 64 as under load, meet the table
        // of a sale's first seconds.
        await AddOrdersAsync(sale, 1, 200);
        await using var session = Storage.OpenDatabase();
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(0, await PresentAsync(session, [.. Enumerable.Range(0, 64).Select(_ => Guid.NewGuid())]));
        }

        await AddOrdersAsync(sale, 201, 20_000);
        var known = await ScalarAsync<Guid>(session, "SELECT id FROM orders LIMIT 1");

        var before = await SeqScansAsync(session);
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(1, await PresentAsync(session, [known, .. Enumerable.Range(0, 63).Select(_ => Guid.NewGuid())]));
        }

        Assert.Equal(before, await SeqScansAsync(session));
    }

    private Task AddOrdersAsync(Guid sale, int from, int to) => ExecuteAsync($"""
        INSERT INTO orders ({PostgresRows.OrderColumns})
        SELECT gen_random_uuid(), '{sale}', 'user-' || g, 'Buyer', 1, 1, 'EUR', '2026-03-01T00:00:00Z', 1000000 - g, NULL, false
        FROM generate_series({from}, {to}) g
        """);

    private static async Task<long> PresentAsync(NpgsqlConnection session, Guid[] ids)
    {
        await using var command = new NpgsqlCommand("SELECT count(*) FROM orders_present($1)", session);
        command.Parameters.AddWithValue(ids);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Sequential scans of <c>orders</c> so far, this session's included (flushed at the end of its transaction).</summary>
    private static async Task<long> SeqScansAsync(NpgsqlConnection session)
    {
        await ScalarAsync<object>(session, "SELECT pg_stat_force_next_flush()");
        return await ScalarAsync<long>(session, "SELECT seq_scan FROM pg_stat_user_tables WHERE relname = 'orders'");
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection session, string sql)
    {
        await using var command = new NpgsqlCommand(sql, session);
        return (T)(await command.ExecuteScalarAsync())!;
    }
}
