using FlashSale.Orders;
using FlashSale.Storage.Postgres;
using FlashSale.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace FlashSale.Tests.Storage;

/// <summary>
/// The persister's batch insert holds G1 and G2 itself (migration 9, <see cref="PostgresOrderRecord.InsertSql"/>):
/// whatever the ledger decided (a Redis replica promoted by a failover decides on an older stock, older holds), the
/// record never confirms more units than the sale's stock, nor more to one buyer than the sale's limit. Entries are
/// taken in the batch's order; a redelivered entry already recorded is present, not refused, and takes nothing twice;
/// a cancel or a delete gives its units back to the count. Against the real PostgreSQL of scripts/services.sh.
/// </summary>
public sealed class PostgresRecordFenceTests : RecordDatabaseTest
{
    private readonly Guid _sale = Guid.CreateVersion7();
    private readonly PostgresOrderRecord _record;

    public PostgresRecordFenceTests() => _record = new PostgresOrderRecord(Db);

    private async Task OpenSaleAsync(int totalStock, int perUserLimit)
    {
        await PostgresMigrations.ApplyAsync(Db, NullLogger.Instance, CancellationToken.None);
        await ExecuteAsync(PostgresRows.Sale(_sale, price: 1.00m, totalStock: totalStock, perUserLimit: perUserLimit));
    }

    [Fact]
    public async Task ABatchOverflowingTheStock_IsRecordedInStreamOrderUntilTheStockIsGone_AndTheRestRefused()
    {
        await OpenSaleAsync(totalStock: 5, perUserLimit: 10);
        var first = await _record.InsertBatchAsync([Decided("a"), Decided("b"), Decided("c")], CancellationToken.None);
        Assert.All(first.Present.Values, Assert.True);
        Assert.Empty(first.Overdrawn);

        // Three confirmed: one more fits, two do not; the one after them would fit the last unit but passes no earlier buyer.
        var batch = new[] { Decided("d"), Decided("e", quantity: 2), Decided("f"), Decided("g") };
        var outcome = await _record.InsertBatchAsync(batch, CancellationToken.None);

        Assert.True(outcome.Present[batch[0].Order.Id]);
        Assert.All(batch.Skip(1), o => Assert.False(outcome.Present[o.Order.Id]));
        Assert.Equal(batch.Skip(1).Select(o => o.Order.Id).Order(), outcome.Overdrawn.Keys.Order());
        Assert.All(outcome.Overdrawn.Values, why => Assert.StartsWith("over the stock", why, StringComparison.Ordinal));
        Assert.Equal(4, await ConfirmedUnitsAsync());
        Assert.Equal(4, await CountedUnitsAsync());
    }

    [Fact]
    public async Task ABatchPuttingABuyerOverTheLimit_RefusesThatBuyersEntry_AndRecordsTheOthers()
    {
        await OpenSaleAsync(totalStock: 100, perUserLimit: 2);
        await _record.InsertBatchAsync([Decided("holder")], CancellationToken.None);

        var batch = new[] { Decided("holder"), Decided("holder"), Decided("other", quantity: 2), Decided("greedy", quantity: 3) };
        var outcome = await _record.InsertBatchAsync(batch, CancellationToken.None);

        Assert.True(outcome.Present[batch[0].Order.Id]);
        Assert.False(outcome.Present[batch[1].Order.Id]);
        Assert.True(outcome.Present[batch[2].Order.Id]);
        Assert.False(outcome.Present[batch[3].Order.Id]);
        Assert.Equal(new[] { batch[1].Order.Id, batch[3].Order.Id }.Order(), outcome.Overdrawn.Keys.Order());
        Assert.All(outcome.Overdrawn.Values, why => Assert.StartsWith("over the per-user limit", why, StringComparison.Ordinal));
        Assert.Equal(2, await Storage.ScalarAsync($"SELECT SUM(quantity) FROM orders WHERE sale_id = '{_sale}' AND user_id = 'holder'"));
        Assert.Equal(4, await ConfirmedUnitsAsync());
        Assert.Equal(4, await CountedUnitsAsync());
    }

    [Fact]
    public async Task ASecondOrderOfALimitOneBuyer_IsRefusedAsOverTheLimit()
    {
        await OpenSaleAsync(totalStock: 10, perUserLimit: 1);
        await _record.InsertBatchAsync([Decided("holder", limitOne: true)], CancellationToken.None);

        var again = Decided("holder", limitOne: true);
        var outcome = await _record.InsertBatchAsync([again, Decided("other", limitOne: true)], CancellationToken.None);

        Assert.False(outcome.Present[again.Order.Id]);
        Assert.StartsWith("over the per-user limit", outcome.Overdrawn[again.Order.Id], StringComparison.Ordinal);
        Assert.Equal(2, await ConfirmedUnitsAsync());
    }

    [Fact]
    public async Task ARedeliveredBatch_IsPresent_AndTakesNoUnitTwice()
    {
        await OpenSaleAsync(totalStock: 3, perUserLimit: 1);
        var recorded = new[] { Decided("a"), Decided("b") };
        await _record.InsertBatchAsync(recorded, CancellationToken.None);

        // Redelivered with one new entry: the stock has room for exactly the new one, and a's and b's limits are theirs.
        var fresh = Decided("c");
        var outcome = await _record.InsertBatchAsync([.. recorded, fresh], CancellationToken.None);

        Assert.All(outcome.Present.Values, Assert.True);
        Assert.Empty(outcome.Overdrawn);
        Assert.Equal(3, await ConfirmedUnitsAsync());
        Assert.Equal(3, await CountedUnitsAsync());
    }

    [Fact]
    public async Task ACancelledOrDeletedOrder_GivesItsUnitsBack()
    {
        await OpenSaleAsync(totalStock: 2, perUserLimit: 1);
        var bought = new[] { Decided("a"), Decided("b") };
        await _record.InsertBatchAsync(bought, CancellationToken.None);
        var late = Decided("c");
        Assert.Contains(late.Order.Id, (await _record.InsertBatchAsync([late], CancellationToken.None)).Overdrawn.Keys);

        Assert.Equal(1, await _record.CancelAsync(bought[0].Order.Id, DateTimeOffset.UtcNow, "admin", CancellationToken.None));
        Assert.Equal(1, await CountedUnitsAsync());
        var again = Decided("c");
        Assert.True((await _record.InsertBatchAsync([again], CancellationToken.None)).Present[again.Order.Id]);
        // Full again: the cancelled buyer's next order waits for a unit like anyone's.
        var back = Decided("a");
        Assert.Contains(back.Order.Id, (await _record.InsertBatchAsync([back], CancellationToken.None)).Overdrawn.Keys);

        await ExecuteAsync($"DELETE FROM orders WHERE id = '{bought[1].Order.Id}'");
        Assert.Equal(1, await CountedUnitsAsync());
        var third = Decided("a");
        Assert.True((await _record.InsertBatchAsync([third], CancellationToken.None)).Present[third.Order.Id]);
        Assert.Equal(2, await ConfirmedUnitsAsync());
        Assert.Equal(2, await CountedUnitsAsync());

        // A hand edit putting a cancelled order back counts too.
        await ExecuteAsync($"UPDATE orders SET status = 0 WHERE id = '{bought[0].Order.Id}'");
        Assert.Equal(3, await ConfirmedUnitsAsync());
        Assert.Equal(3, await CountedUnitsAsync());
    }

    /// <summary>
    /// Another instance's batch of the same sale commits while this one waits for the sale's lock: this batch must count
    /// its units and see its buyers' orders. The statement's snapshot is taken before the lock: the stock is read from the
    /// sale's count as locked (its latest version), the buyers' orders with a snapshot taken after it (sale_buyers_units).
    /// A limit above 1, where no unique index is a backstop.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ABatchWaitingForAnotherInstancesBatch_SeesWhatItCommitted(bool forTheStock)
    {
        await OpenSaleAsync(totalStock: forTheStock ? 3 : 100, perUserLimit: 2);
        var epoch = await _record.LedgerEpochAsync(_sale, CancellationToken.None);
        Task<BatchOutcome> waiting;
        await using (var otherInstance = await Db.OpenConnectionAsync())
        {
            await using var tx = await otherInstance.BeginTransactionAsync();
            await using (var insert = new NpgsqlCommand(PostgresOrderRecord.InsertSql, otherInstance, tx))
            {
                PostgresOrderRecord.AddInsertParameters(insert.Parameters, [Decided("buyer", quantity: 2, epoch: epoch)]);
                await insert.ExecuteNonQueryAsync();
            }

            waiting = _record.InsertBatchAsync([Decided(forTheStock ? "other" : "buyer", quantity: forTheStock ? 2 : 1, epoch: epoch)],
                CancellationToken.None);
            await Task.Delay(300);
            Assert.False(waiting.IsCompleted, "the batch did not wait for the sale's lock");
            await tx.CommitAsync();
        }

        var outcome = await waiting;
        Assert.StartsWith(forTheStock ? "over the stock" : "over the per-user limit", Assert.Single(outcome.Overdrawn).Value, StringComparison.Ordinal);
        Assert.Equal(2, await ConfirmedUnitsAsync());
        Assert.Equal(2, await CountedUnitsAsync());
    }

    /// <summary>
    /// The same entries written by two persisters at once (a claim of entries whose first persister was slow, or two
    /// instances under one consumer name): the second waits for the sale's lock while the first commits them. They are
    /// present, not refused: its statement's snapshot, taken before the lock, does not see them, while the buyers' counts
    /// read after it do, so each order was counted twice and refused as over the limit (or the stock) — an order in the
    /// record answered as refused, and the sale's state dropped and rebuilt for nothing.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task TheSameBatchWaitingForItsOwnCommit_IsPresent_NotOverdrawn(bool forTheStock)
    {
        await OpenSaleAsync(totalStock: forTheStock ? 2 : 100, perUserLimit: 1);
        var epoch = await _record.LedgerEpochAsync(_sale, CancellationToken.None);
        DecidedOrder[] batch = [Decided("a", epoch: epoch), Decided("b", epoch: epoch)];
        Task<BatchOutcome> waiting;
        await using (var firstPersister = await Db.OpenConnectionAsync())
        {
            await using var tx = await firstPersister.BeginTransactionAsync();
            await using (var insert = new NpgsqlCommand(PostgresOrderRecord.InsertSql, firstPersister, tx))
            {
                PostgresOrderRecord.AddInsertParameters(insert.Parameters, batch);
                await insert.ExecuteNonQueryAsync();
            }

            waiting = _record.InsertBatchAsync(batch, CancellationToken.None);
            await Task.Delay(300);
            Assert.False(waiting.IsCompleted, "the batch did not wait for the sale's lock");
            await tx.CommitAsync();
        }

        var outcome = await waiting;
        Assert.Empty(outcome.Overdrawn);
        Assert.All(batch, o => Assert.True(outcome.Present[o.Order.Id]));
        Assert.Equal(2, await ConfirmedUnitsAsync());
        Assert.Equal(2, await CountedUnitsAsync());
    }

    /// <summary>
    /// A second order under a buyer's recorded Idempotency-Key fits the stock and the limit, and only the key's unique
    /// index leaves it out: the ledger that decided it did not know the key (a lagged replica promoted), so it is refused
    /// as a disagreement, which has the persister drop and rebuild that state. A refusal by another constraint (a limit-one
    /// buyer's second order under a new key is refused by the limit first; a duplicate under no key) is not.
    /// </summary>
    [Fact]
    public async Task ASecondOrderUnderARecordedKey_IsRefusedAsADisagreement()
    {
        await OpenSaleAsync(totalStock: 100, perUserLimit: 3);
        var first = Decided("buyer", key: "k-1");
        Assert.True((await _record.InsertBatchAsync([first], CancellationToken.None)).Present[first.Order.Id]);

        var again = Decided("buyer", key: "k-1");
        var other = Decided("buyer", key: "k-2");
        var outcome = await _record.InsertBatchAsync([again, other, first], CancellationToken.None);

        Assert.False(outcome.Present[again.Order.Id]);
        Assert.StartsWith("Idempotency-Key already recorded", Assert.Single(outcome.Overdrawn, o => o.Key == again.Order.Id).Value, StringComparison.Ordinal);
        Assert.True(outcome.Present[other.Order.Id]);
        Assert.True(outcome.Present[first.Order.Id]);
        Assert.Single(outcome.Overdrawn);
        Assert.Equal(2, await ConfirmedUnitsAsync());
        Assert.Equal(2, await CountedUnitsAsync());
    }

    private DecidedOrder Decided(string user, int quantity = 1, bool limitOne = false, long? epoch = null, string? key = null) => new(new Order
    {
        IdempotencyKey = key,
        Id = Guid.CreateVersion7(),
        SaleId = _sale,
        UserId = user,
        Username = user,
        Quantity = quantity,
        UnitPrice = 1.00m,
        Currency = "EUR",
        PurchasedAt = DateTimeOffset.UtcNow,
        RemainingAfter = 0,
    }, limitOne, epoch);

    /// <summary>The sale's count (migration 9), after checking each buyer's count against their confirmed orders.</summary>
    private async Task<long> CountedUnitsAsync()
    {
        Assert.Equal(0, await Storage.ScalarAsync($"""
            SELECT count(*)
            FROM (SELECT user_id, SUM(quantity) AS units FROM orders WHERE sale_id = '{_sale}' AND status = 0 GROUP BY user_id) o
            FULL JOIN (SELECT user_id, confirmed FROM sale_buyer_units WHERE sale_id = '{_sale}' AND confirmed <> 0) b USING (user_id)
            WHERE o.units IS DISTINCT FROM b.confirmed
            """));
        return await Storage.ScalarAsync($"SELECT confirmed FROM sale_units WHERE sale_id = '{_sale}'");
    }

    /// <summary>The sale's confirmed units, summed from its orders.</summary>
    private Task<long> ConfirmedUnitsAsync() =>
        Storage.ScalarAsync($"SELECT COALESCE(SUM(quantity), 0) FROM orders WHERE sale_id = '{_sale}' AND status = 0");
}
