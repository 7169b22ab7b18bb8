using System.Net;
using FlashSale.Tests.Admin;
using FlashSale.Tests.Infrastructure;

namespace FlashSale.Tests.Distributed;

/// <summary>
/// G7 with Redis down: the stock is not known, so reads of it answer 503 + Retry-After, never the record's count, which
/// leaves out the orders decided and still in Redis's outbox. Here the whole stock is such an order (PostgreSQL holds
/// the persister's insert back) when Redis goes. Rate limiting is off: it would answer 503 first and hide the read.
/// </summary>
public sealed class RedisDownStockTests() : OwnRedisAppTest(_ => new()
{
    ["RateLimiting:Enabled"] = "false",
    ["Distributed:CommitWait"] = "00:00:01",
})
{
    [Fact]
    public async Task ASoldOutSaleWhoseOrderIsNotRecordedYet_IsNeverShownWithStockWhileRedisIsDown()
    {
        var admin = await Api.AsAdminAsync(App.CreateClient());
        var sale = (await admin.CreateSaleAsync(stock: 1)).Id();
        var buyer = admin.WithToken((await admin.MintBuyersAsync(1))[0].Token);

        await using var held = await HeldOrderInserts.BeginAsync(Storage);

        using (var bought = await buyer.PurchaseAsync(sale))
        {
            Assert.Equal(HttpStatusCode.Accepted, bought.StatusCode);
        }

        await Redis.KillAsync();

        // Read from the record, the sale had its one unit left and was on sale: the order was in Redis's outbox.
        foreach (var path in new[] { $"/api/v1/sales/{sale}/stock", $"/api/v1/sales/{sale}", "/api/v1/sales" })
        {
            using var response = await buyer.GetAsync(path);
            Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable,
                $"{path} answered {(int)response.StatusCode} while Redis was down: {await response.Content.ReadAsStringAsync()}");
            Assert.Equal("unavailable", await Api.ReasonAsync(response));
            Assert.NotNull(response.Headers.RetryAfter);
        }

        await held.ReleaseAsync();
    }
}
