using System.Net;
using FlashSale.Tests.Admin;
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

    /// <summary>
    /// G1 with the stock changed while buyers race for it: cut to 40 and raised to 70 in the middle of a flood of 150
    /// buyers for 60 units. Whatever each change answered, nothing is sold past the stock the sale ends with, every unit of
    /// it is sold (more buyers than units), and the ledger and the record agree.
    /// </summary>
    [Fact]
    public async Task StockCutAndRaisedDuringAFlood_SellsExactlyTheFinalStock_AndTheBooksAgree()
    {
        var saleId = (await Admin.CreateSaleAsync(stock: 60)).Id();
        var buyers = await Admin.MintBuyersAsync(150);

        using var gate = new SemaphoreSlim(32);
        async Task<HttpStatusCode> BuyAsync(string token)
        {
            await gate.WaitAsync();
            try
            {
                using var response = await Admin.WithToken(token).PurchaseAsync(saleId);
                return response.StatusCode;
            }
            finally
            {
                gate.Release();
            }
        }

        async Task<HttpStatusCode> ChangeStockAsync(int total, int afterMs)
        {
            await Task.Delay(afterMs);
            using var response = await Admin.PatchJsonAsync($"/api/v1/admin/sales/{saleId}", $$"""{"totalStock":{{total}}}""");
            Assert.True(response.StatusCode == HttpStatusCode.OK || await Api.ReasonAsync(response) == "stock_below_sold",
                $"{total}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            return response.StatusCode;
        }

        var first = buyers.Take(100).Select(b => BuyAsync(b.Token)).ToList();
        var cut = ChangeStockAsync(40, afterMs: 5);
        await cut;
        var raised = await ChangeStockAsync(70, afterMs: 0);
        var answers = (await Task.WhenAll(first)).Concat(await Task.WhenAll(buyers.Skip(100).Select(b => BuyAsync(b.Token)))).ToList();

        Assert.Equal(HttpStatusCode.OK, raised);
        Assert.DoesNotContain(answers, a => (int)a >= 500);
        var stock = await Admin.StockAsync(saleId);
        Assert.Equal((70, 0, 70), (stock.Int("totalStock"), stock.Int("remainingStock"), stock.Int("sold")));
        Assert.Equal(70, answers.Count(a => a == HttpStatusCode.Created));
        Assert.Equal(70, (await Admin.AllOrdersAsync(saleId)).Count);
        var check = await Admin.ReconcileLineAsync(saleId);
        Assert.Equal((70, 70, 0), (check.Int("recordSold"), check.Int("ledgerSold"), check.Int("drift")));
    }
}
