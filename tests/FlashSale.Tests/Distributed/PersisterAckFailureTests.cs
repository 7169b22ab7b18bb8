using System.Diagnostics;
using System.Net;
using FlashSale.Storage.Redis;
using FlashSale.Tests.Admin;
using FlashSale.Tests.Infrastructure;
using StackExchange.Redis;

namespace FlashSale.Tests.Distributed;

/// <summary>
/// The persister's acknowledgement (XACK + XDEL in one MULTI) fails after the record committed the batch, as after a
/// failover (EXECABORT). The entries are delivered to this instance's consumer and not acknowledged: the next pass must
/// read them again from "0-0". Until 2026-12-06 it read only new entries, and its own waited for XAUTOCLAIM's idle claim
/// (ClaimIdle; 60 s here), logged as left by another instance. A Redis of its own, whose default user is denied XACK for
/// a moment (ACL): a real refusal inside the MULTI.
/// </summary>
public sealed class PersisterAckFailureTests() : OwnRedisAppTest(_ => new()
{
    ["Distributed:ClaimIdle"] = "00:01:00",
})
{
    [Fact]
    public async Task AFailedAcknowledgement_IsRetriedFromTheOwnPendingEntries_NotLeftForTheIdleClaim()
    {
        var admin = await Api.AsAdminAsync(App.CreateClient());
        var sale = (await admin.CreateSaleAsync(stock: 5)).Id();
        var buyer = admin.WithToken((await admin.MintBuyersAsync(1))[0].Token);
        await using var control = await ConnectionMultiplexer.ConnectAsync(Redis.Address + ",allowAdmin=true");
        var server = control.GetServer(Redis.Address);
        var outbox = RedisKeys.Outbox(Guid.Parse(sale));

        await server.ExecuteAsync("ACL", "SETUSER", "default", "-xack");
        using var response = await buyer.PurchaseAsync(sale);
        Assert.Contains(response.StatusCode, new[] { HttpStatusCode.Created, HttpStatusCode.Accepted });
        await WaitAsync(async () => (await admin.AllOrdersAsync(sale)).Count == 1, "the order in the record");
        await Task.Delay(300);
        // Committed, not acknowledged: the entry is still there.
        Assert.Equal(1, await control.GetDatabase().StreamLengthAsync(outbox));

        await server.ExecuteAsync("ACL", "SETUSER", "default", "+xack");
        var clock = Stopwatch.StartNew();
        await WaitAsync(async () => await control.GetDatabase().StreamLengthAsync(outbox) == 0, "the outbox emptied");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"acknowledged after {clock.Elapsed}");
        Assert.Single(await admin.AllOrdersAsync(sale));
    }

    private static async Task WaitAsync(Func<Task<bool>> done, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!await done())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"not reached in time: {what}");
            await Task.Delay(50);
        }
    }
}
