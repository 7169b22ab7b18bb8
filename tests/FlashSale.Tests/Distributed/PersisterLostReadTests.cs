using System.Diagnostics;
using System.Net;
using FlashSale.Storage.Redis;
using FlashSale.Tests.Admin;
using FlashSale.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace FlashSale.Tests.Distributed;

/// <summary>
/// The persister's XREADGROUP fails after Redis delivered the entries to its consumer (the reply lost: a timeout, the
/// connection failing under it, Redis paused): they are in this consumer's pending list and no read of new entries ever
/// returns them. Its next pass must read its own pending entries ("0-0"). Until 2026-12-07 only a failed write or
/// acknowledgement led there; after a lost read they waited for XAUTOCLAIM's idle claim (ClaimIdle; 60 s here), logged
/// as left by another instance (event 4204; an audit: SIGSTOP of Redis mid-flood, 14 s of outbox age). Staged on a Redis
/// of its own: its default user (the server's) is denied XREADGROUP for a moment, so the persister's reads fail, while
/// the test reads the entry with the persister's consumer name (a user of its own): delivered, reply not to the persister.
/// </summary>
public sealed class PersisterLostReadTests() : OwnRedisAppTest(_ => new()
{
    ["Distributed:ClaimIdle"] = "00:01:00",
}, services => services.AddSingleton<ILoggerProvider>(Logs))
{
    private static readonly ErrorLog Logs = new(LogLevel.Information);

    [Fact]
    public async Task EntriesDeliveredToAReadThatFailed_AreRecordedFromTheOwnPendingEntries_NotLeftForTheIdleClaim()
    {
        var admin = await Api.AsAdminAsync(App.CreateClient());
        var sale = (await admin.CreateSaleAsync(stock: 5)).Id();
        var buyers = (await admin.MintBuyersAsync(2)).Select(b => admin.WithToken(b.Token)).ToList();
        var persister = App.Services.GetRequiredService<OutboxPersister>();
        var outbox = RedisKeys.Outbox(Guid.Parse(sale));

        await using var control = await ConnectionMultiplexer.ConnectAsync(Redis.Address + ",allowAdmin=true");
        var server = control.GetServer(Redis.Address);
        await server.ExecuteAsync("ACL", "SETUSER", "lostread", "on", ">lostread", "~*", "&*", "+@all");
        await using var other = await ConnectionMultiplexer.ConnectAsync($"{Redis.Address},user=lostread,password=lostread");

        // A first order recorded: the persister has read its own pending entries of this outbox (none) and reads new ones.
        using (var first = await buyers[0].PurchaseAsync(sale))
        {
            Assert.Contains(first.StatusCode, new[] { HttpStatusCode.Created, HttpStatusCode.Accepted });
        }

        await UntilAsync(async () => (await admin.AllOrdersAsync(sale)).Count == 1, "the first order in the record");
        await UntilAsync(async () => await control.GetDatabase().StreamLengthAsync(outbox) == 0, "the first entry acknowledged");

        await server.ExecuteAsync("ACL", "SETUSER", "default", "-xreadgroup");
        try
        {
            var readsBefore = persister.Reads;
            using (var second = await buyers[1].PurchaseAsync(sale))
            {
                Assert.Contains(second.StatusCode, new[] { HttpStatusCode.Created, HttpStatusCode.Accepted });
            }

            // The persister tried to read it (and was refused); Redis delivers it to its consumer, the reply elsewhere.
            await UntilAsync(() => Task.FromResult(persister.Reads > readsBefore), "the persister's read of the second entry");
            await Task.Delay(300);
            var delivered = await other.GetDatabase().StreamReadGroupAsync(outbox, RedisKeys.PersisterGroup, persister.Consumer,
                StreamPosition.NewMessages, 10);
            Assert.Single(delivered);
        }
        finally
        {
            await server.ExecuteAsync("ACL", "SETUSER", "default", "+xreadgroup");
        }

        var clock = Stopwatch.StartNew();
        await UntilAsync(async () => (await admin.AllOrdersAsync(sale)).Count == 2, "the second order in the record");
        await UntilAsync(async () => await control.GetDatabase().StreamLengthAsync(outbox) == 0, "the second entry acknowledged");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"recorded after {clock.Elapsed.TotalSeconds:F1} s");
        Assert.DoesNotContain(Logs.Entries, l => l.StartsWith("Information 4204 ", StringComparison.Ordinal));
    }

    private static async Task UntilAsync(Func<Task<bool>> done, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!await done())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(75), $"not reached in time: {what}");
            await Task.Delay(50);
        }
    }
}
