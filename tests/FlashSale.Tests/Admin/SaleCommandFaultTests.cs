using System.Net;
using FlashSale.Admin;
using FlashSale.Storage.Embedded;
using FlashSale.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace FlashSale.Tests.Admin;

/// <summary>
/// Admin commands against a record that is slow or fails (the real SQLite store behind a fault-injecting wrapper):
/// ending a sale closes it to purchases before the record's write, not after it (G6: no order after the recorded
/// end); a delete the record cannot carry out leaves the sale trading, not refusing every purchase as unknown; and
/// admin changes do not interleave (a reconciliation paused after listing the sales holds a delete back). The server's
/// admin change lock is the real one behind a wrapper that tells the test when a change finds it held and queues.
/// </summary>
public sealed class SaleCommandFaultTests() : AdminAppTest(new TestApp(services: services =>
{
    FaultySaleStore.Wrap<SqliteSaleStore>(services);
    services.AddSingleton<QueuedChanges>();
    services.Replace(ServiceDescriptor.Singleton<IAdminChangeLock>(sp => sp.GetRequiredService<QueuedChanges>()));
}))
{
    private FaultySaleStore Store => App.Services.GetRequiredService<FaultySaleStore>();

    private QueuedChanges Changes => App.Services.GetRequiredService<QueuedChanges>();

    [Fact]
    public async Task WhileTheRecordWritesAnEarlyEnd_PurchasesAreAlreadyRefused() =>
        await EndScene.PurchasesWhileTheEndIsWritten_AreRefusedAsync(Admin, Store, (await Admin.CreateSaleAsync(stock: 100, perUserLimit: 10)).Id());

    [Fact]
    public async Task ADeleteTheRecordCannotCarryOut_LeavesTheSaleTrading()
    {
        var sale = (await Admin.CreateSaleAsync(stock: 100, perUserLimit: 10)).Id();
        var buyer = Admin.WithToken((await Admin.MintBuyersAsync(1))[0].Token);
        Store.FailDelete = new SqliteException("database or disk is full", 13);

        using (var refused = await Admin.SendAsync(HttpMethod.Delete, $"/api/v1/admin/sales/{sale}"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        }

        using var bought = await buyer.PurchaseAsync(sale);
        Assert.Equal(HttpStatusCode.Created, bought.StatusCode);
    }

    [Fact]
    public async Task ADeleteDuringAReconciliation_WaitsForIt_AndTheSaleStaysDeleted()
    {
        var sale = (await Admin.CreateSaleAsync(stock: 100, perUserLimit: 10)).Id();
        var buyer = Admin.WithToken((await Admin.MintBuyersAsync(1))[0].Token);
        var listed = new Pause();
        Store.AfterList = listed.HoldAsync;

        // The reconciliation has listed the sales (this one among them) when the delete comes, and is let go only once the
        // delete has found the change lock held and queued behind it (a fixed wait instead tested nothing when the delete
        // reached the server after the reconciliation had finished).
        var reconcile = Admin.PostEmptyAsync("/api/v1/admin/reconcile");
        await listed.Reached;
        var queued = Changes.WatchAsync();
        var delete = Admin.SendAsync(HttpMethod.Delete, $"/api/v1/admin/sales/{sale}");
        await queued.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.False(delete.IsCompleted, "the delete was answered while the reconciliation was still paused: it did not wait for it");
        listed.Release();
        using (var reconciled = await reconcile)
        {
            Assert.Equal(HttpStatusCode.OK, reconciled.StatusCode);
        }

        using (var deleted = await delete)
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        // Interleaved, the reconciliation re-created the deleted sale's book, and the sale sold again (201).
        using var bought = await buyer.PurchaseAsync(sale);
        Assert.Equal(HttpStatusCode.NotFound, bought.StatusCode);
    }

    [Fact]
    public async Task AStockCutWrittenAsTheSaleOpens_NeverLeavesMoreSoldThanTheNewTotal()
    {
        var startsAt = DateTimeOffset.UtcNow.AddSeconds(2);
        var sale = (await Admin.CreateSaleAsync(stock: 10, perUserLimit: 10, startsAt: startsAt)).Id();
        var buyer = Admin.WithToken((await Admin.MintBuyersAsync(1))[0].Token);
        var written = new Pause();
        Store.AfterUpdate = written.HoldAsync;

        // The record takes the cut while the sale is still upcoming; the sale opens before the ledger has the new terms.
        var cut = Admin.PatchJsonAsync($"/api/v1/admin/sales/{sale}", """{"totalStock":5}""");
        await written.Reached;
        await Task.Delay(startsAt - DateTimeOffset.UtcNow + TimeSpan.FromMilliseconds(200));
        for (var i = 0; i < 8; i++)
        {
            using var meanwhile = await buyer.PurchaseAsync(sale);
            Assert.NotEqual(HttpStatusCode.Created, meanwhile.StatusCode);
        }

        written.Release();
        using (var done = await cut)
        {
            Assert.Equal(HttpStatusCode.OK, done.StatusCode);
        }

        for (var i = 0; i < 8; i++)
        {
            using var after = await buyer.PurchaseAsync(sale);
        }

        // G1 against the new total: 5 sold, not the 8 the old terms let through before the ledger learned the cut.
        Assert.Equal(5, (await Admin.AllOrdersAsync(sale)).Count);
        Assert.Equal(0, (await Admin.StockAsync(sale)).Int("remainingStock"));
    }

    /// <summary>The server's admin change lock (the embedded one, in memory), telling the test when a change finds it held and waits.</summary>
    private sealed class QueuedChanges : IAdminChangeLock
    {
        private readonly InProcessAdminChangeLock _inner = new();
        private volatile TaskCompletionSource? _watch;

        /// <summary>Completes when the next change has to wait for the one holding the lock.</summary>
        public Task WatchAsync()
        {
            var queued = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _watch = queued;
            return queued.Task;
        }

        public async Task<IAsyncDisposable> AcquireAsync(CancellationToken ct)
        {
            var acquiring = _inner.AcquireAsync(ct);
            if (!acquiring.IsCompleted)
            {
                // Not granted at once: another change holds the lock, and this one waits for it.
                _watch?.TrySetResult();
            }

            return await acquiring;
        }
    }
}
