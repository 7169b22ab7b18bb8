using System.Net;
using FlashSale.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace FlashSale.Tests.Admin;

/// <summary>
/// A sale's record write that fails while the ledger holds the sale shut, closed or withdrawn leaves the ledger with the
/// sale as the record holds it, not as it was: a write that failed after its commit (ended, deleted) is not undone in
/// the ledger (G6, and no order for a deleted sale), and one whose outcome cannot be read leaves the sale shut.
/// </summary>
public sealed class FailedSaleWriteTests() : AdminAppTest(FaultySaleStore.App())
{
    private FaultySaleStore Store => App.Services.GetRequiredService<FaultySaleStore>();

    [Fact]
    public async Task AnEndTheRecordCommittedBeforeItsWriteFailed_IsNotUndoneInTheLedger()
    {
        var sale = (await Admin.CreateSaleAsync(stock: 100, perUserLimit: 10)).Id();
        var buyer = Admin.WithToken((await Admin.MintBuyersAsync(1))[0].Token);
        Store.FailAfterEnd = new SqliteException("disk I/O error", 10);

        using (var failed = await Admin.PostEmptyAsync($"/api/v1/admin/sales/{sale}/end"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, failed.StatusCode);
        }

        // The record has the end: purchases are refused as ended (the old sale put back sold on past it, G6), and a
        // second end is refused as the record says, consistently.
        using (var after = await buyer.PurchaseAsync(sale))
        {
            Assert.Equal("sale_ended", await Api.ReasonAsync(after));
        }

        using (var again = await Admin.PostEmptyAsync($"/api/v1/admin/sales/{sale}/end"))
        {
            Assert.Equal("sale_ended", await Api.ReasonAsync(again));
        }

        Assert.Empty(await Admin.AllOrdersAsync(sale));
    }

    [Fact]
    public async Task ADeleteTheRecordCommittedBeforeItsWriteFailed_LeavesTheSaleGone()
    {
        var sale = (await Admin.CreateSaleAsync(stock: 100, perUserLimit: 10)).Id();
        var buyer = Admin.WithToken((await Admin.MintBuyersAsync(1))[0].Token);
        Store.FailAfterDelete = new SqliteException("disk I/O error", 10);

        using (var failed = await Admin.SendAsync(HttpMethod.Delete, $"/api/v1/admin/sales/{sale}"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, failed.StatusCode);
        }

        // Put back, the deleted sale sold again: an order for a sale the record no longer has.
        using var bought = await buyer.PurchaseAsync(sale);
        Assert.Equal(HttpStatusCode.NotFound, bought.StatusCode);
    }

    [Fact]
    public async Task AnEndWhoseWriteFailed_WhenTheRecordCannotBeReadEither_StaysClosed_UntilTheRetryEndsIt()
    {
        var sale = (await Admin.CreateSaleAsync(stock: 100, perUserLimit: 10)).Id();
        var buyer = Admin.WithToken((await Admin.MintBuyersAsync(1))[0].Token);
        var failure = new SqliteException("disk I/O error", 10);
        Store.BeforeEnd = () =>
        {
            Store.FailFindLatest = failure;
            return Task.FromException(failure);
        };

        using (var failed = await Admin.PostEmptyAsync($"/api/v1/admin/sales/{sale}/end"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, failed.StatusCode);
        }

        // Whether the record took the end is unknown: closed, not sold against an end the record may have.
        using (var meanwhile = await buyer.PurchaseAsync(sale))
        {
            Assert.Equal("sale_ended", await Api.ReasonAsync(meanwhile));
        }

        Store.BeforeEnd = null;
        Store.FailFindLatest = null;
        using (var retried = await Admin.PostEmptyAsync($"/api/v1/admin/sales/{sale}/end"))
        {
            Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
        }

        Assert.Empty(await Admin.AllOrdersAsync(sale));
    }
}
