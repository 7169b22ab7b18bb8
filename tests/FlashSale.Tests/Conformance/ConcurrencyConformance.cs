using System.Net;
using FlashSale.Tests.Infrastructure;

namespace FlashSale.Tests.Conformance;

public sealed class ConcurrencyOnEmbedded() : ConcurrencyConformance(StorageKind.Embedded);

public sealed class ConcurrencyOnRedis() : ConcurrencyConformance(StorageKind.Redis);

public sealed class ConcurrencyOnRedisCluster() : ConcurrencyConformance(StorageKind.RedisCluster);

/// <summary>G1 and G2 under real concurrency, over a real socket.</summary>
public abstract class ConcurrencyConformance(StorageKind kind) : ConformanceTest(kind, realSocket: true)
{
    [Fact]
    public async Task FiftyBuyersForTenUnits_ExactlyTenSucceed()
    {
        var sale = await Admin.CreateSaleAsync(stock: 10);
        var saleId = sale["id"]!.GetValue<string>();
        var buyers = await Admin.MintBuyersAsync(50);

        using var start = new SemaphoreSlim(0);
        var attempts = buyers.Select(async b =>
        {
            await start.WaitAsync();
            using var response = await Admin.WithToken(b.Token).PurchaseAsync(saleId);
            return (response.StatusCode, Reason: response.IsSuccessStatusCode ? null : await Api.ReasonAsync(response));
        }).ToList();
        start.Release(50);
        var results = await Task.WhenAll(attempts);

        Assert.Equal(10, results.Count(r => r.StatusCode == HttpStatusCode.Created));
        Assert.Equal(40, results.Count(r => r.StatusCode == HttpStatusCode.Conflict && r.Reason == "sold_out"));
        var stock = await Admin.StockAsync(saleId);
        Assert.Equal(0, stock["remainingStock"]!.GetValue<int>());
        Assert.Equal("sold_out", stock["status"]!.GetValue<string>());
        Assert.Equal(10, (await Admin.AllOrdersAsync(saleId)).Count);
    }

    [Fact]
    public async Task ThousandAttemptsByTwoHundredUsers_LimitTwo_HundredSoldNobodyAboveTwo()
    {
        var sale = await Admin.CreateSaleAsync(stock: 100, perUserLimit: 2);
        var saleId = sale["id"]!.GetValue<string>();
        var buyers = await Admin.MintBuyersAsync(200);
        var random = new Random(20261123);
        var plan = Enumerable.Range(0, 1000).Select(_ => (Buyer: buyers[random.Next(buyers.Count)], Quantity: random.Next(1, 3))).ToList();

        using var gate = new SemaphoreSlim(64);
        var results = await Task.WhenAll(plan.Select(async p =>
        {
            await gate.WaitAsync();
            try
            {
                using var response = await Admin.WithToken(p.Buyer.Token).PurchaseAsync(saleId, p.Quantity);
                return (p.Buyer.UserId, p.Quantity, response.StatusCode);
            }
            finally
            {
                gate.Release();
            }
        }));

        Assert.DoesNotContain(results, r => (int)r.StatusCode >= 500);
        var orders = await Admin.AllOrdersAsync(saleId);
        var sold = orders.Sum(o => o["quantity"]!.GetValue<int>());
        Assert.Equal(100, sold);
        Assert.Equal(results.Where(r => r.StatusCode == HttpStatusCode.Created).Sum(r => r.Quantity), sold);
        Assert.All(orders.GroupBy(o => o["userId"]!.GetValue<string>()),
            g => Assert.True(g.Sum(o => o["quantity"]!.GetValue<int>()) <= 2, $"user {g.Key} holds more than 2"));
        var stock = await Admin.StockAsync(saleId);
        Assert.Equal(0, stock["remainingStock"]!.GetValue<int>());
        Assert.Equal(100, stock["sold"]!.GetValue<int>() + stock["remainingStock"]!.GetValue<int>());
    }
}
