using System.Net;
using FlashSale.Tests.Admin;
using FlashSale.Tests.Infrastructure;

namespace FlashSale.Tests.Conformance;

public sealed class AdminRaceOnEmbedded() : AdminRaceConformance(StorageKind.Embedded);

public sealed class AdminRaceOnRedis() : AdminRaceConformance(StorageKind.Redis);

public sealed class AdminRaceOnRedisCluster() : AdminRaceConformance(StorageKind.RedisCluster);

/// <summary>Admin writes racing a crowd of buyers: G1 and G4 hold, nothing answers 5xx.</summary>
public abstract class AdminRaceConformance(StorageKind kind) : IAsyncLifetime
{
    private readonly TestApp _app = new(realSocket: true, kind: kind);
    private Api _admin = null!;

    public async Task InitializeAsync()
    {
        _app.StartServer();
        _admin = await Api.AsAdminAsync(_app.CreateClient());
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task DeleteDuringABurst_EitherTheDeleteOrThePurchasesWin_NeverBoth()
    {
        var saleId = (await _admin.CreateSaleAsync(stock: 50)).Id();
        var buyers = await _admin.MintBuyersAsync(40);

        using var start = new SemaphoreSlim(0);
        var purchases = buyers.Select(async b =>
        {
            await start.WaitAsync();
            using var response = await _admin.WithToken(b.Token).PurchaseAsync(saleId);
            return response.StatusCode;
        }).ToList();
        var delete = Task.Run(async () =>
        {
            await start.WaitAsync();
            using var response = await _admin.SendAsync(HttpMethod.Delete, $"/api/v1/admin/sales/{saleId}");
            return response.StatusCode;
        });
        start.Release(buyers.Count + 1);
        var results = await Task.WhenAll(purchases);
        var deleted = await delete;

        Assert.DoesNotContain(results, s => (int)s >= 500);
        var created = results.Count(s => s == HttpStatusCode.Created);
        if (deleted == HttpStatusCode.NoContent)
        {
            Assert.Equal(0, created);
            Assert.All(results, s => Assert.Equal(HttpStatusCode.NotFound, s));
        }
        else
        {
            Assert.Equal(HttpStatusCode.Conflict, deleted);
            Assert.Equal(created, (await _admin.AllOrdersAsync(saleId)).Count);
            Assert.Equal(created, (await _admin.StockAsync(saleId)).Int("sold"));
        }
    }

    [Fact]
    public async Task ReconcileDuringABurstOfPurchasesAndCancels_FindsNoDrift_AndBreaksNothing()
    {
        var saleId = (await _admin.CreateSaleAsync(stock: 60)).Id();
        var buyers = await _admin.MintBuyersAsync(120);

        using var gate = new SemaphoreSlim(32);
        var purchases = buyers.Select(async b =>
        {
            await gate.WaitAsync();
            try
            {
                using var response = await _admin.WithToken(b.Token).PurchaseAsync(saleId);
                if (response.StatusCode == HttpStatusCode.Created && b.UserId[0] < '4')
                {
                    var orderId = (await response.ReadJsonAsync())["orderId"]!.GetValue<string>();
                    using var cancelled = await _admin.PostEmptyAsync($"/api/v1/admin/orders/{orderId}/cancel");
                    return cancelled.StatusCode == HttpStatusCode.OK ? HttpStatusCode.Accepted : cancelled.StatusCode;
                }

                return response.StatusCode;
            }
            finally
            {
                gate.Release();
            }
        }).ToList();
        var reconciles = Enumerable.Range(0, 6).Select(async i =>
        {
            await Task.Delay(i * 15);
            return await (await _admin.PostEmptyAsync("/api/v1/admin/reconcile")).ReadJsonAsync();
        }).ToList();
        var results = await Task.WhenAll(purchases);
        var reports = await Task.WhenAll(reconciles);

        Assert.DoesNotContain(results, s => (int)s >= 500);
        Assert.All(reports.SelectMany(r => r["items"]!.AsArray()).Where(l => !l!["busy"]!.GetValue<bool>()),
            l => Assert.Equal(0, l.Int("drift")));
        var confirmed = (await _admin.AllOrdersAsync(saleId)).Count(o => o["status"]!.GetValue<string>() == "confirmed");
        var stock = await _admin.StockAsync(saleId);
        Assert.Equal(confirmed, stock.Int("sold"));
        Assert.Equal(60, stock.Int("sold") + stock.Int("remainingStock"));
        Assert.Equal(confirmed, results.Count(s => s == HttpStatusCode.Created));
        var final = await (await _admin.PostEmptyAsync("/api/v1/admin/reconcile")).ReadJsonAsync();
        Assert.Equal(0, final.Int("drifted"));
    }
}
