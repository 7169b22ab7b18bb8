using System.Net;
using FlashSale.Tests.Admin;
using FlashSale.Tests.Infrastructure;

namespace FlashSale.Tests.Distributed;

/// <summary>G7: no decision without Redis — 503 + Retry-After while it is down; sales resume with the right stock after.</summary>
public sealed class RedisOutageTests : OwnRedisAppTest
{
    [Fact]
    public async Task RedisStoppedMidSale_503sAndNo2xx_RestartedSalesResumeWithCorrectStock()
    {
        var admin = await Api.AsAdminAsync(App.CreateClient());
        var saleId = (await admin.CreateSaleAsync(stock: 20))["id"]!.GetValue<string>();
        var buyers = await admin.MintBuyersAsync(30);
        for (var i = 0; i < 5; i++)
        {
            using var bought = await admin.WithToken(buyers[i].Token).PurchaseAsync(saleId);
            await Api.EnsureAsync(bought, HttpStatusCode.Created);
        }

        await Redis.KillAsync();

        var during = await Task.WhenAll(Enumerable.Range(5, 10).Select(async i =>
        {
            using var response = await admin.WithToken(buyers[i].Token).PurchaseAsync(saleId);
            return (response.StatusCode, response.Headers.RetryAfter, Reason: await Api.ReasonAsync(response));
        }));
        Assert.All(during, r =>
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, r.StatusCode);
            Assert.Equal("unavailable", r.Reason);
            Assert.NotNull(r.RetryAfter);
        });

        await Redis.StartAsync();
        // The multiplexer reconnects within a second or so; until then the answer stays 503.
        HttpStatusCode status = 0;
        for (var i = 0; i < 100 && status != HttpStatusCode.Created; i++)
        {
            using var response = await admin.WithToken(buyers[20].Token).PurchaseAsync(saleId);
            status = response.StatusCode;
            Assert.True(status is HttpStatusCode.Created or HttpStatusCode.ServiceUnavailable, $"unexpected {status}");
            if (status != HttpStatusCode.Created)
            {
                await Task.Delay(100);
            }
        }

        Assert.Equal(HttpStatusCode.Created, status);
        var stock = await admin.StockAsync(saleId);
        Assert.Equal(14, stock["remainingStock"]!.GetValue<int>());
        Assert.Equal(6, (await admin.AllOrdersAsync(saleId)).Count);
        // Buyers from before the outage still hold their unit.
        using var again = await admin.WithToken(buyers[0].Token).PurchaseAsync(saleId);
        Assert.Equal("limit_reached", await Api.ReasonAsync(again));
    }

    [Fact]
    public async Task RedisStopped_ReadsAnswerFromTheRecordOr503_NeverA500()
    {
        var admin = await Api.AsAdminAsync(App.CreateClient());
        var (saleId, buyers, _) = await admin.SaleWithOrdersAsync(stock: 20, buyers: 1);
        var buyer = admin.WithToken(buyers[0].Token);

        (Api Caller, string Path)[] reads =
        [
            (buyer, "/api/v1/sales"),
            (buyer, $"/api/v1/sales/{saleId}"),
            (buyer, $"/api/v1/sales/{saleId}/stock"),
            (buyer, $"/api/v1/sales/{saleId}/leaderboard"),
            (buyer, "/api/v1/me/orders"),
            (buyer, $"/api/v1/sales/{saleId}/purchases/me"),
            (admin, "/api/v1/admin/sales"),
            (admin, $"/api/v1/admin/sales/{saleId}"),
            (admin, $"/api/v1/admin/sales/{saleId}/orders"),
            (admin, "/api/v1/admin/stats"),
        ];

        await Redis.KillAsync();

        foreach (var (caller, path) in reads)
        {
            using var response = await caller.GetAsync(path);
            var status = (int)response.StatusCode;
            Assert.True(status is 200 or 503, $"{path} answered {status} while Redis was down: {await response.Content.ReadAsStringAsync()}");
            if (status == 503)
            {
                Assert.Equal("unavailable", await Api.ReasonAsync(response));
                Assert.NotNull(response.Headers.RetryAfter);
            }
        }
    }
}
