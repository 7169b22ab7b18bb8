using System.Net;
using FlashSale.Storage.Redis;
using FlashSale.Tests.Admin;
using FlashSale.Tests.Infrastructure;
using Npgsql;

namespace FlashSale.Tests.Distributed;

/// <summary>
/// A cancel while the sale's lost Redis state is rebuilt by another instance returns the order's stock once, whichever
/// side of the cancel's record write the rebuild read the orders on. Until 2026-12-06 a cancel whose ledger step found no
/// state (<c>cancel.lua</c>: <c>missing</c>) left the stock to the rebuild, and a rebuild that had read the order while
/// it was still confirmed wrote it back as held: the admin was answered "cancelled", the unit never came back and the
/// buyer stayed at the limit, until reconciliation.
/// </summary>
public sealed class CancelDuringRebuildTests : ProxiedInstances
{
    [Fact]
    public async Task ARebuildThatReadTheOrderBeforeTheCancel_DoesNotKeepItsStock()
    {
        var (sale, buyers, orderIds) = await AdminA.SaleWithOrdersAsync(stock: 3, buyers: 2);
        var saleId = Guid.Parse(sale);
        await RedisState.LoseAsync(Storage, saleId);

        // B: a stock read finds no state and rebuilds it; the record read (both orders confirmed), held as it writes.
        var rebuilding = ProxyB.StallAtAsync(Wire.Bulk(RedisKeys.Cancelled(saleId).ToString()));
        var read = AdminB.Anonymous().StockAsync(sale);
        await rebuilding;

        // A: the cancel is recorded, and its ledger step finds no state.
        var cancel = AdminA.PostEmptyAsync($"/api/v1/admin/orders/{orderIds[0]}/cancel");
        await LedgerStepRanAsync(saleId, orderIds[0]);

        ProxyB.Resume();
        await read;
        await AssertCancelledOnceAsync(sale, orderIds[0], await cancel);

        // The buyer is no longer at the limit.
        using var again = await AdminA.WithToken(buyers[0].Token).PurchaseAsync(sale);
        Assert.Equal(HttpStatusCode.Created, again.StatusCode);
    }

    [Fact]
    public async Task ARebuildThatReadsTheOrderAfterTheCancel_DoesNotReturnItsStockTwice()
    {
        var (sale, _, orderIds) = await AdminA.SaleWithOrdersAsync(stock: 3, buyers: 2);
        var saleId = Guid.Parse(sale);
        await RedisState.LoseAsync(Storage, saleId);
        await using var redis = await RedisAsync();
        var db = redis.GetDatabase();

        Task<System.Text.Json.Nodes.JsonObject> read;
        Task<HttpResponseMessage> cancel;
        await using (var holding = Storage.OpenDatabase())
        {
            // B: a stock read takes the rebuild lock and waits for the sale's row (its epoch) before it reads the orders.
            await using var tx = await holding.BeginTransactionAsync();
            await using (var lockSale = new NpgsqlCommand($"SELECT 1 FROM sales WHERE id = '{sale}' FOR UPDATE", holding, tx))
            {
                await lockSale.ExecuteNonQueryAsync();
            }

            read = AdminB.Anonymous().StockAsync(sale);
            await UntilAsync(() => db.KeyExistsAsync(RedisKeys.RebuildLock(saleId)), "B holds the rebuild lock");

            // A: the cancel is recorded, and its ledger step finds no state; then B reads the order cancelled.
            cancel = AdminA.PostEmptyAsync($"/api/v1/admin/orders/{orderIds[0]}/cancel");
            await LedgerStepRanAsync(saleId, orderIds[0]);
            await tx.RollbackAsync();
        }

        await read;
        await AssertCancelledOnceAsync(sale, orderIds[0], await cancel);
    }

    /// <summary>The cancel's ledger step has run: the record has the order cancelled, and the step took it off <c>:cancelling</c>.</summary>
    private async Task LedgerStepRanAsync(Guid saleId, string orderId)
    {
        await using var redis = await RedisAsync();
        var db = redis.GetDatabase();
        await UntilAsync(async () => await Storage.ScalarAsync($"SELECT status FROM orders WHERE id = '{orderId}'") == 2
            && await db.SortedSetScoreAsync(RedisKeys.Cancelling(saleId), orderId) is null, "the cancel's ledger step");
    }

    /// <summary>Answered cancelled; its unit back exactly once, and a retry changes nothing; the ledger agrees with the record.</summary>
    private async Task AssertCancelledOnceAsync(string sale, string orderId, HttpResponseMessage cancelled)
    {
        using (cancelled)
        {
            await Api.EnsureAsync(cancelled, HttpStatusCode.OK);
            Assert.Equal("cancelled", (await cancelled.ReadJsonAsync())["status"]!.GetValue<string>());
        }

        await AssertStockAsync(sale, remaining: 2, sold: 1);
        using (var retry = await AdminA.PostEmptyAsync($"/api/v1/admin/orders/{orderId}/cancel"))
        {
            await Api.EnsureAsync(retry, HttpStatusCode.OK);
        }

        await AssertStockAsync(sale, remaining: 2, sold: 1);
        var reconcile = await (await AdminA.PostEmptyAsync("/api/v1/admin/reconcile")).ReadJsonAsync();
        Assert.Equal(0, reconcile.Int("drifted"));
    }

    private async Task AssertStockAsync(string sale, int remaining, int sold)
    {
        foreach (var admin in new[] { AdminA, AdminB })
        {
            var stock = await admin.StockAsync(sale);
            Assert.Equal(remaining, stock.Int("remainingStock"));
            Assert.Equal(sold, stock.Int("sold"));
            Assert.Equal(stock.Int("totalStock"), stock.Int("sold") + stock.Int("remainingStock"));
        }
    }
}
