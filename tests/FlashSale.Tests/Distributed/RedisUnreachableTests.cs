using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FlashSale.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace FlashSale.Tests.Distributed;

/// <summary>
/// A purchase issued while the instance has no connection to Redis is never sent (the connection fails fast): nothing was
/// bought, and the 503 says so, without <c>outcomeUnknown</c>. Until 2026-12-06 it said the outcome was unknown, as for a
/// script whose reply was lost, and a client (or the drill's phantom check) had to treat a "no" as a "maybe".
/// </summary>
public sealed class RedisUnreachableTests() : OwnRedisAppTest(_ => new() { ["RateLimiting:Enabled"] = "false" })
{
    private const string Key = "while-redis-is-gone";

    [Fact]
    public async Task APurchaseWithNoConnectionUp_Is503NothingBought_AndItsKeyBuysOnceRedisIsBack()
    {
        var admin = await Api.AsAdminAsync(App.CreateClient());
        var sale = (await admin.CreateSaleAsync(stock: 5))["id"]!.GetValue<string>();
        var buyer = admin.WithToken((await admin.MintBuyersAsync(1))[0].Token);

        await Redis.KillAsync();
        var multiplexer = App.Services.GetRequiredService<IConnectionMultiplexer>();
        for (var i = 0; i < 100 && multiplexer.IsConnected; i++)
        {
            await Task.Delay(50);
        }

        Assert.False(multiplexer.IsConnected, "the client still counts its connection as up 5 s after Redis was killed");

        using var refused = await buyer.PurchaseAsync(sale, 1, Key);
        var problem = await refused.Content.ReadFromJsonAsync<JsonObject>();
        Assert.True(refused.StatusCode == HttpStatusCode.ServiceUnavailable, $"answered {(int)refused.StatusCode}: {problem}");
        Assert.Equal("unavailable", problem?["reason"]?.GetValue<string>());
        Assert.NotNull(refused.Headers.RetryAfter);
        Assert.Null(problem?["outcomeUnknown"]);
        Assert.Contains("nothing was bought", problem?["detail"]?.GetValue<string>(), StringComparison.Ordinal);

        // Nothing was bought: once Redis is back the same key makes the one purchase, decided then.
        await Redis.StartAsync();
        HttpStatusCode status = 0;
        for (var i = 0; i < 100 && status != HttpStatusCode.Created; i++)
        {
            using var retry = await buyer.PurchaseAsync(sale, 1, Key);
            status = retry.StatusCode;
            Assert.True(status is HttpStatusCode.Created or HttpStatusCode.ServiceUnavailable, $"the retry answered {(int)status}");
            if (status != HttpStatusCode.Created)
            {
                await Task.Delay(100);
            }
        }

        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Single(await admin.AllOrdersAsync(sale));
    }
}
