using System.Net;
using FlashSale.Tests.Admin;
using FlashSale.Tests.Infrastructure;

namespace FlashSale.Tests.Distributed;

/// <summary>
/// <c>purchases/me</c> reads the units held from Redis: with Redis down it is 503 + Retry-After, never the record's count
/// of confirmed orders, which leaves out those still in Redis's outbox.
/// </summary>
public sealed class HeldQuantityRedisDownTests : OwnRedisAppTest
{
    [Fact]
    public async Task RedisDown_TheBuyersHoldingIs503WithRetryAfter_NotTheRecordsCount()
    {
        var admin = await Api.AsAdminAsync(App.CreateClient());
        var (saleId, buyers, _) = await admin.SaleWithOrdersAsync(stock: 5, buyers: 1);
        var buyer = admin.WithToken(buyers[0].Token);
        Assert.Equal(1, (await buyer.GetJsonAsync($"/api/v1/sales/{saleId}/purchases/me")).Int("quantity"));

        await Redis.KillAsync();

        using var response = await buyer.GetAsync($"/api/v1/sales/{saleId}/purchases/me");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("unavailable", await Api.ReasonAsync(response));
        Assert.NotNull(response.Headers.RetryAfter);
    }
}
