using System.Net;
using FlashSale.Storage.Redis;
using FlashSale.Tests.Admin;
using FlashSale.Tests.Infrastructure;

namespace FlashSale.Tests.Conformance;

public sealed class DistributedLedgerOnRedis() : DistributedLedgerConformance(StorageKind.Redis);

public sealed class DistributedLedgerOnRedisCluster() : DistributedLedgerConformance(StorageKind.RedisCluster);

/// <summary>What only the distributed ledger has: lazy rebuild of a running sale, reconciliation and repair.</summary>
public abstract class DistributedLedgerConformance(StorageKind kind) : ConformanceTest(kind)
{
    [Fact]
    public async Task SaleStateLostWhileRunning_RebuiltBeforeItSellsAgain()
    {
        var saleId = (await Admin.CreateSaleAsync(stock: 3))["id"]!.GetValue<string>();
        var buyers = await Admin.MintBuyersAsync(3);
        using (var bought = await Admin.WithToken(buyers[0].Token).PurchaseAsync(saleId))
        {
            await Api.EnsureAsync(bought, HttpStatusCode.Created);
        }

        await RedisState.LoseAsync(App.Storage, Guid.Parse(saleId));

        using var limited = await Admin.WithToken(buyers[0].Token).PurchaseAsync(saleId);
        Assert.Equal("limit_reached", await Api.ReasonAsync(limited));
        using var other = await Admin.WithToken(buyers[1].Token).PurchaseAsync(saleId);
        Assert.Equal(HttpStatusCode.Created, other.StatusCode);
        Assert.Equal(1, (await Admin.StockAsync(saleId))["remainingStock"]!.GetValue<int>());
    }

    [Fact]
    public async Task Drift_ReportedByReconciliation_AndRepairedFromTheRecord()
    {
        var saleId = Guid.Parse((await Admin.CreateSaleAsync(stock: 10))["id"]!.GetValue<string>());
        var buyers = await Admin.MintBuyersAsync(2);
        foreach (var buyer in buyers)
        {
            using var bought = await Admin.WithToken(buyer.Token).PurchaseAsync(saleId.ToString());
            await Api.EnsureAsync(bought, HttpStatusCode.Created);
        }

        await using (var redis = await RedisState.ConnectAsync(App.Storage))
        {
            await redis.GetDatabase().StringSetAsync(RedisKeys.Stock(saleId), 1);
        }

        using var response = await Admin.PostEmptyAsync("/api/v1/admin/reconcile");
        await Api.EnsureAsync(response, HttpStatusCode.OK);
        var line = (await response.ReadJsonAsync())["items"]!.AsArray().Single(i => i!["saleId"]!.GetValue<string>() == saleId.ToString())!;
        Assert.Equal(2, line.Int("recordSold"));
        Assert.Equal(9, line.Int("ledgerSold"));
        Assert.Equal(7, line.Int("drift"));
        Assert.True(line["repaired"]!.GetValue<bool>());
        Assert.False(line["busy"]!.GetValue<bool>());
        Assert.Equal(8, (await Admin.StockAsync(saleId.ToString()))["remainingStock"]!.GetValue<int>());
    }
}
