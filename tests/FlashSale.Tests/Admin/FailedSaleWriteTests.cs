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
            await AssertMayHaveBeenMadeAsync(failed);
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
            await AssertMayHaveBeenMadeAsync(failed);
        }

        // Put back, the deleted sale sold again: an order for a sale the record no longer has.
        using var bought = await buyer.PurchaseAsync(sale);
        Assert.Equal(HttpStatusCode.NotFound, bought.StatusCode);
    }

    /// <summary>
    /// A create the record committed before its write failed: the sale exists, so the 503 must not say nothing changed
    /// (until 2026-12-07 it did, and the admin's retry then met sku_taken for a sale "never made").
    /// </summary>
    [Fact]
    public async Task ACreateTheRecordCommittedBeforeItsWriteFailed_SaysItMayHaveBeenMade()
    {
        var sku = "LOST-" + Guid.NewGuid().ToString("N")[..8];
        Store.FailAfterCreate = new SqliteException("disk I/O error", 10);
        var body = $$"""{"sku":"{{sku}}","productName":"Lamp","price":10,"totalStock":5,"startsAt":"2030-01-01T00:00:00Z","endsAt":"2030-01-02T00:00:00Z"}""";

        using (var failed = await Admin.PostJsonAsync("/api/v1/admin/sales", body))
        {
            await AssertMayHaveBeenMadeAsync(failed);
        }

        // The retry finds the sale it made: sku_taken names it.
        Store.FailAfterCreate = null;
        using var again = await Admin.PostJsonAsync("/api/v1/admin/sales", body);
        var problem = await again.ReadJsonAsync();
        Assert.Equal("sku_taken", problem["reason"]!.GetValue<string>());
        var made = await Admin.GetJsonAsync($"/api/v1/admin/sales/{problem["saleId"]!.GetValue<string>()}");
        Assert.Equal(sku, made["sku"]!.GetValue<string>());
    }

    /// <summary>Answers that do not tell the admin nothing changed when it may have: the read-first advice instead.</summary>
    private static async Task AssertMayHaveBeenMadeAsync(HttpResponseMessage failed)
    {
        Assert.Equal(HttpStatusCode.ServiceUnavailable, failed.StatusCode);
        var detail = await Api.DetailAsync(failed);
        Assert.Equal(FlashSale.Common.ApiDocs.SaleChangeUnfinished, detail);
        Assert.DoesNotContain("nothing was changed", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnEndWhoseWriteFailed_WhenTheRecordCannotBeReadEither_StaysClosed_UntilTheRetryEndsIt()
    {
        var sale = (await Admin.CreateSaleAsync(stock: 100, perUserLimit: 10)).Id();
        var buyer = Admin.WithToken((await Admin.MintBuyersAsync(1))[0].Token);
        var failure = new SqliteException("disk I/O error", 10);
        Store.FailTheEndAndItsReadBack(failure);

        using (var failed = await Admin.PostEmptyAsync($"/api/v1/admin/sales/{sale}/end"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, failed.StatusCode);
        }

        // Whether the record took the end is unknown: closed, not sold against an end the record may have.
        using (var meanwhile = await buyer.PurchaseAsync(sale))
        {
            Assert.Equal("sale_ended", await Api.ReasonAsync(meanwhile));
        }

        Store.Heal();
        using (var retried = await Admin.PostEmptyAsync($"/api/v1/admin/sales/{sale}/end"))
        {
            Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
        }

        Assert.Empty(await Admin.AllOrdersAsync(sale));
    }
}
