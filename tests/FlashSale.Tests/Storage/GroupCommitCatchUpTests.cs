using System.Globalization;
using FlashSale.Orders;
using FlashSale.Sales;
using FlashSale.Storage.Embedded;

namespace FlashSale.Tests.Storage;

/// <summary>
/// Under load the group commit adds the orders past the totals mark inside its own batches
/// (RecordTotals.cs). A catch-up that fails there must cost the batch nothing: every order is
/// still durable and answered, the stats still count it, and a later batch catches up.
/// </summary>
public sealed class GroupCommitCatchUpTests : GroupCommitterTest
{
    private readonly Sale _sale = new()
    {
        Id = Guid.CreateVersion7(),
        Sku = "catch-up-1",
        ProductName = "Unit",
        Price = 19.99m,
        TotalStock = 1_000_000,
        PerUserLimit = 1_000,
        StartsAt = DateTimeOffset.UtcNow.AddHours(-1),
        EndsAt = DateTimeOffset.UtcNow.AddHours(1),
        CreatedAt = DateTimeOffset.UtcNow.AddHours(-1),
    };

    protected override async Task BeforeStartAsync() =>
        Assert.True(await new SqliteSaleStore(Db).TryCreateAsync(_sale, CancellationToken.None));

    [Fact]
    public async Task BusyBatches_CatchUpInsideTheirOwnCommits_WithoutWaitingForIdleTime()
    {
        await OrderAsync(3 * RecordTotals.CatchUpAfterOrders);

        // Well before the idle catch-up is due, the mark is within one catch-up's worth of the newest order.
        Assert.InRange(Lag(), 0, RecordTotals.CatchUpAfterOrders - 1);
        await AssertStatsCountAsync(3 * RecordTotals.CatchUpAfterOrders);
    }

    [Fact]
    public async Task AFailingCatchUp_LeavesEveryOrderDurableAndCounted_AndALaterBatchCatchesUp()
    {
        Execute("""
            CREATE TRIGGER fail_sale_totals_insert BEFORE INSERT ON sale_totals BEGIN SELECT RAISE(ABORT, 'injected'); END;
            CREATE TRIGGER fail_sale_totals_update BEFORE UPDATE ON sale_totals BEGIN SELECT RAISE(ABORT, 'injected'); END;
            """);
        var orders = RecordTotals.CatchUpAfterOrders + 100;

        await OrderAsync(orders); // every write completes: a failed catch-up does not fail its batch

        Assert.Equal(orders, Scalar("SELECT COUNT(*) FROM orders"));
        Assert.Equal(orders, Lag());
        Assert.Equal(0, Scalar("SELECT COUNT(*) FROM buyer_totals")); // the whole catch-up was undone, not half of it
        await AssertStatsCountAsync(orders);

        Execute("DROP TRIGGER fail_sale_totals_insert; DROP TRIGGER fail_sale_totals_update;");
        await OrderAsync(1);

        // The batches wait RecordTotals.CatchUpAfter after a failure, then one catches everything up.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (Lag() != 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the totals never caught up after the fault was gone");
            await Task.Delay(50);
        }

        Assert.Equal(50, Scalar("SELECT COUNT(*) FROM buyer_totals"));
        await AssertStatsCountAsync(orders + 1);
    }

    private async Task OrderAsync(int count)
    {
        var writes = Enumerable.Range(0, count).Select(i => Committer.WriteAsync(new InsertOrder(new Order
        {
            Id = OrderIds.New(DateTimeOffset.UtcNow),
            SaleId = _sale.Id,
            UserId = $"user-{i % 50:D2}",
            Username = "buyer",
            Quantity = 1,
            UnitPrice = _sale.Price,
            Currency = _sale.Currency,
            PurchasedAt = DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()),
            RemainingAfter = 0,
        })));
        Assert.All(await Task.WhenAll(writes), rows => Assert.Equal(1, rows));
    }

    private async Task AssertStatsCountAsync(long orders)
    {
        var shown = await new SqliteStatsStore(Db).GetSaleAsync(_sale.Id, CancellationToken.None);
        Assert.NotNull(shown);
        Assert.Equal(orders, shown.Orders);
        Assert.Equal(orders, shown.Units);
        Assert.Equal(Math.Min(orders, 50), (await new SqliteStatsStore(Db).GetAsync(
            DateOnly.FromDateTime(DateTime.UtcNow), DateOnly.FromDateTime(DateTime.UtcNow), CancellationToken.None)).Totals.UniqueBuyers);
    }

    private long Lag()
    {
        using var connection = Db.Open();
        return RecordTotals.Lag(connection);
    }

    private long Scalar(string sql)
    {
        using var connection = Db.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    private void Execute(string sql)
    {
        using var connection = Db.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
