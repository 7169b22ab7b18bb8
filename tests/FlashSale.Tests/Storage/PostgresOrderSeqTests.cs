using FlashSale.Storage.Postgres;
using FlashSale.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace FlashSale.Tests.Storage;

/// <summary>
/// orders.seq has no unique index since migration 0005 (no query reads seq alone, and every order paid for an
/// entry in it). Keyset pages over (sale_id, seq) and (user_id, seq) still need the values unique: the column's
/// identity (GENERATED ALWAYS) is what keeps them so. Against the real PostgreSQL of scripts/services.sh.
/// </summary>
public sealed class PostgresOrderSeqTests : RecordDatabaseTest
{
    private readonly Guid _sale = Guid.CreateVersion7();

    public override async Task InitializeAsync()
    {
        await PostgresMigrations.ApplyAsync(Db, NullLogger.Instance, CancellationToken.None);
        await ExecuteAsync(PostgresRows.Sale(_sale, price: 1.00m, totalStock: 100, perUserLimit: 10));
    }

    [Fact]
    public async Task AnInsertCannotChooseASeq_SoSeqsStayUniqueWithoutAnIndex()
    {
        await ExecuteAsync(InsertOrders(3));
        var taken = await Storage.ScalarAsync("SELECT max(seq) FROM orders");

        // An insert naming a seq already taken is refused by the identity, not by an index.
        var refused = await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync(InsertOrders(1, seq: taken)));
        Assert.Equal("428C9", refused.SqlState); // generated_always: the column takes only its own values

        await ExecuteAsync(InsertOrders(2));
        Assert.Equal(5, await Storage.ScalarAsync("SELECT count(DISTINCT seq) FROM orders"));
        Assert.Equal(0, await Storage.ScalarAsync(
            "SELECT count(*) FROM pg_indexes WHERE tablename = 'orders' AND indexdef LIKE '%(seq)'"));
    }

    /// <summary>One statement of <paramref name="count"/> orders, as the persister writes a batch; with a seq of its choosing if given.</summary>
    private string InsertOrders(int count, long? seq = null) =>
        $"INSERT INTO orders ({(seq is null ? "" : "seq, ")}{PostgresRows.OrderColumns}) VALUES "
        + string.Join(", ", Enumerable.Range(0, count).Select(i =>
            $"({(seq is null ? "" : $"{seq}, ")}'{Guid.CreateVersion7()}', '{_sale}', 'user-{i}', 'Buyer', 1, 1.00, 'EUR', now(), {100 - i}, NULL, false)"));
}
