using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FlashSale.Storage.Postgres;
using FlashSale.Tests.Admin;
using FlashSale.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using StackExchange.Redis;

namespace FlashSale.Tests.Distributed;

/// <summary>
/// A purchase whose script Redis ran but whose answer never came (it timed out on the way) looks for its order; when
/// the order is recorded but cannot be read back at that moment, the buyer must not be told "nothing was bought". A
/// Redis of its own, paused for writes (CLIENT PAUSE) past the client's timeout, runs the script once the pause ends.
/// </summary>
public sealed class UnansweredScriptTests() : OwnRedisAppTest(redis => new()
{
    ["ConnectionStrings:Redis"] = redis + ",asyncTimeout=500",
    ["Distributed:CommitWait"] = "00:00:05",
    // The rate limits ask Redis too, before the purchase: paused, they would answer first.
    ["RateLimiting:Enabled"] = "false",
}, FaultyOrderStore.Wrap<PostgresOrderStore>)
{
    [Fact]
    public async Task AnOrderRecordedButUnreadable_IsNeverAnsweredNothingWasBought()
    {
        var admin = await Api.AsAdminAsync(App.CreateClient());
        var sale = (await admin.CreateSaleAsync(stock: 5)).Id();
        var buyer = admin.WithToken((await admin.MintBuyersAsync(1))[0].Token);
        App.Services.GetRequiredService<FaultyOrderStore>().FailFind = new NpgsqlException("the record's read failed");

        // Writes wait 1.5 s in Redis: the instance gives up on the script's answer at 0.5 s; the script runs at 1.5 s.
        await using (var control = await ConnectionMultiplexer.ConnectAsync(Redis.Address))
        {
            await control.GetServer(Redis.Address).ExecuteAsync("CLIENT", "PAUSE", "1500", "WRITE");
        }

        using var response = await buyer.PurchaseAsync(sale);
        var problem = await response.Content.ReadFromJsonAsync<JsonObject>();
        var detail = problem?["detail"]?.GetValue<string>() ?? "";

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.True(problem?["outcomeUnknown"]?.GetValue<bool>(), $"the problem was {problem}");
        Assert.DoesNotContain("nothing was bought", detail, StringComparison.Ordinal);
        Assert.Contains("retry with the same key", detail, StringComparison.Ordinal);

        // The unit was bought: its order is in the record (and the record was not taken for down, which refused every
        // purchase and read until the next ping).
        Assert.Single(await admin.AllOrdersAsync(sale));
    }
}
