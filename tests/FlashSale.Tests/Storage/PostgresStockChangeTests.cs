using FlashSale.Sales;
using FlashSale.Storage.Postgres;
using FlashSale.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace FlashSale.Tests.Storage;

/// <summary>
/// The distributed record's own guard on a started sale's stock and end (<see cref="ISaleStore.TryChangeStockAsync"/>):
/// Redis's count is checked first, but the record is the system of record, and a count Redis lost (a failover to a
/// lagging replica) must not take the stock below the confirmed units it holds, nor reopen a sale that has ended.
/// </summary>
public sealed class PostgresStockChangeTests : RecordDatabaseTest
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 9, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset RowsEnd = new(2027, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private PostgresSaleStore _sales = null!;

    public override async Task InitializeAsync()
    {
        await PostgresMigrations.ApplyAsync(Db, NullLogger.Instance, CancellationToken.None);
        _sales = new PostgresSaleStore(new PostgresRequests(Db, new RecordHealth(), TimeSpan.FromSeconds(5)),
            new SaleChangeListener(Storage.PostgresConnectionString, enabled: false, NullLogger<SaleChangeListener>.Instance));
    }

    [Fact]
    public async Task TheStockGoesDownToTheConfirmedUnits_AndNoLower_CancelledOnesNotCounted()
    {
        var sale = await SaleWithOrdersAsync(totalStock: 10, confirmed: 3, cancelled: 2);

        Assert.Equal(SaleWriteResult.StockBelowSold, await ChangeAsync(sale, 2, RowsEnd.AddDays(1), Now));
        Assert.Equal((10, RowsEnd), await TermsAsync(sale));

        Assert.Equal(SaleWriteResult.Done, await ChangeAsync(sale, 3, RowsEnd.AddDays(1), Now));
        Assert.Equal((3, RowsEnd.AddDays(1)), await TermsAsync(sale));
    }

    [Fact]
    public async Task AnEndedSale_IsNotReopened_AndAMissingOneIsNotFound()
    {
        var sale = await SaleWithOrdersAsync(totalStock: 10, confirmed: 1, cancelled: 0);

        Assert.Equal(SaleWriteResult.Ended, await ChangeAsync(sale, 20, RowsEnd.AddDays(1), RowsEnd));
        Assert.Equal((10, RowsEnd), await TermsAsync(sale));
        Assert.Equal(SaleWriteResult.NotFound, await ChangeAsync(Guid.CreateVersion7(), 20, RowsEnd, Now));
    }

    /// <summary>
    /// A started sale's product with its stock or end (before the first order) is one update, refused in the same statement
    /// once the sale has ended (<see cref="ISaleStore.TryUpdateAsync"/> with its end condition); any order, cancelled ones too,
    /// is reported first, and without the condition an ended sale without orders still changes (its product fields).
    /// </summary>
    [Fact]
    public async Task AnUpdateWithItsEndCondition_IsRefusedOnceTheSaleHasEnded_OrdersReportedFirst()
    {
        var unsold = await SaleWithOrdersAsync(totalStock: 10, confirmed: 0, cancelled: 0);
        var renamed = (await _sales.FindLatestAsync(unsold, CancellationToken.None))! with { ProductName = "Renamed", TotalStock = 12 };

        Assert.Equal(SaleWriteResult.Ended, await _sales.TryUpdateAsync(renamed, RowsEnd, CancellationToken.None));
        Assert.Equal((10, RowsEnd), await TermsAsync(unsold));
        Assert.Equal(SaleWriteResult.Done, await _sales.TryUpdateAsync(renamed, Now, CancellationToken.None));
        Assert.Equal((12, RowsEnd), await TermsAsync(unsold));
        Assert.Equal(SaleWriteResult.Done, await _sales.TryUpdateAsync(renamed with { TotalStock = 13 }, null, CancellationToken.None));

        var cancelledOnly = await SaleWithOrdersAsync(totalStock: 10, confirmed: 0, cancelled: 1);
        var sale = (await _sales.FindLatestAsync(cancelledOnly, CancellationToken.None))! with { ProductName = "Renamed" };
        Assert.Equal(SaleWriteResult.HasOrders, await _sales.TryUpdateAsync(sale, RowsEnd, CancellationToken.None));
        Assert.Equal(SaleWriteResult.NotFound, await _sales.TryUpdateAsync(sale with { Id = Guid.CreateVersion7() }, Now, CancellationToken.None));
    }

    private Task<SaleWriteResult> ChangeAsync(Guid sale, int totalStock, DateTimeOffset endsAt, DateTimeOffset now) =>
        _sales.TryChangeStockAsync(sale, totalStock, endsAt, now, CancellationToken.None);

    private async Task<(int TotalStock, DateTimeOffset EndsAt)> TermsAsync(Guid id)
    {
        var sale = (await _sales.FindLatestAsync(id, CancellationToken.None))!;
        return (sale.TotalStock, sale.EndsAt);
    }

    private async Task<Guid> SaleWithOrdersAsync(int totalStock, int confirmed, int cancelled)
    {
        var id = Guid.CreateVersion7();
        await ExecuteAsync(PostgresRows.Sale(id, price: 10m, totalStock: totalStock, perUserLimit: 1));
        for (var i = 0; i < confirmed + cancelled; i++)
        {
            var order = Guid.CreateVersion7();
            await ExecuteAsync($"INSERT INTO orders ({PostgresRows.OrderColumns}) VALUES "
                + $"('{order}', '{id}', 'u{i}', 'u{i}', 1, 10, 'EUR', '{Now:O}', {totalStock - i - 1}, NULL, true)");
            if (i >= confirmed)
            {
                await ExecuteAsync($"UPDATE orders SET status = 2, cancelled_at = '{Now:O}' WHERE id = '{order}'");
            }
        }

        return id;
    }
}
