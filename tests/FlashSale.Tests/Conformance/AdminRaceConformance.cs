using System.Net;
using FlashSale.Tests.Admin;
using FlashSale.Tests.Infrastructure;

namespace FlashSale.Tests.Conformance;

public sealed class AdminRaceOnEmbedded() : AdminRaceConformance(StorageKind.Embedded);

public sealed class AdminRaceOnRedis() : AdminRaceConformance(StorageKind.Redis);

public sealed class AdminRaceOnRedisCluster() : AdminRaceConformance(StorageKind.RedisCluster);

/// <summary>Admin writes racing a crowd of buyers: G1 and G4 hold, nothing answers 5xx.</summary>
public abstract class AdminRaceConformance(StorageKind kind) : AdminAppTest(new TestApp(realSocket: true, kind: kind))
{
    [Fact]
    public async Task DeleteDuringABurst_EitherTheDeleteOrThePurchasesWin_NeverBoth()
    {
        var saleId = (await Admin.CreateSaleAsync(stock: 50)).Id();
        var buyers = await Admin.MintBuyersAsync(40);

        using var start = new SemaphoreSlim(0);
        var purchases = buyers.Select(async b =>
        {
            await start.WaitAsync();
            using var response = await Admin.WithToken(b.Token).PurchaseAsync(saleId);
            return response.StatusCode;
        }).ToList();
        var delete = Task.Run(async () =>
        {
            await start.WaitAsync();
            using var response = await Admin.SendAsync(HttpMethod.Delete, $"/api/v1/admin/sales/{saleId}");
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
            Assert.Equal(created, (await Admin.AllOrdersAsync(saleId)).Count);
            Assert.Equal(created, (await Admin.StockAsync(saleId)).Int("sold"));
        }
    }

    [Fact]
    public async Task ReconcileDuringABurstOfPurchasesAndCancels_FindsNoDrift_AndBreaksNothing()
    {
        var saleId = (await Admin.CreateSaleAsync(stock: 60)).Id();
        var buyers = await Admin.MintBuyersAsync(120);

        using var gate = new SemaphoreSlim(32);
        var purchases = buyers.Select(async b =>
        {
            await gate.WaitAsync();
            try
            {
                using var response = await Admin.WithToken(b.Token).PurchaseAsync(saleId);
                if (response.StatusCode == HttpStatusCode.Created && b.UserId[0] < '4')
                {
                    var orderId = (await response.ReadJsonAsync())["orderId"]!.GetValue<string>();
                    using var cancelled = await Admin.PostEmptyAsync($"/api/v1/admin/orders/{orderId}/cancel");
                    return (Status: cancelled.StatusCode, Cancelled: cancelled.StatusCode == HttpStatusCode.OK);
                }

                return (Status: response.StatusCode, Cancelled: false);
            }
            finally
            {
                gate.Release();
            }
        }).ToList();
        var reconciles = Enumerable.Range(0, 6).Select(async i =>
        {
            await Task.Delay(i * 15);
            return await (await Admin.PostEmptyAsync("/api/v1/admin/reconcile")).ReadJsonAsync();
        }).ToList();
        var results = await Task.WhenAll(purchases);
        var reports = await Task.WhenAll(reconciles);

        Assert.DoesNotContain(results, r => (int)r.Status >= 500);
        Assert.All(reports.SelectMany(r => r["items"]!.AsArray()).Where(l => !l!["busy"]!.GetValue<bool>()),
            l => Assert.Equal(0, l.Int("drift")));
        // A 202 is a decided purchase whose commit took longer than the answer waits (distributed, on a busy machine): it
        // becomes an order. Every 201 and 202 not cancelled is a confirmed order once those have landed.
        var answered = results.Count(r => !r.Cancelled && r.Status is HttpStatusCode.Created or HttpStatusCode.Accepted);
        var confirmed = 0;
        for (var waited = 0; waited < 100 && confirmed != answered; waited++)
        {
            await Task.Delay(waited == 0 ? 0 : 100);
            confirmed = (await Admin.AllOrdersAsync(saleId)).Count(o => o["status"]!.GetValue<string>() == "confirmed");
        }

        Assert.Equal(answered, confirmed);
        var stock = await Admin.StockAsync(saleId);
        Assert.Equal(confirmed, stock.Int("sold"));
        Assert.Equal(60, stock.Int("sold") + stock.Int("remainingStock"));
        var final = await (await Admin.PostEmptyAsync("/api/v1/admin/reconcile")).ReadJsonAsync();
        Assert.Equal(0, final.Int("drifted"));
    }
}
