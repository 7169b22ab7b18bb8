using System.Net;
using FlashSale.Storage.Redis;
using FlashSale.Tests.Admin;
using FlashSale.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace FlashSale.Tests.Distributed;

/// <summary>
/// The persister's sweep reads only outboxes that hold entries: registered sales without any (every sale a
/// deployment ever ran stays registered) cost one XLEN a sweep, not an XREADGROUP; entries left in an outbox
/// that no wake announced (another instance's, a lost wake) are still found by the sweep.
/// </summary>
public sealed class PersisterSweepTests() : AdminAppTest(new TestApp(kind: StorageKind.Redis, settings: new Dictionary<string, string?>
{
    ["Distributed:SweepInterval"] = "00:00:00.020",
}))
{
    [Fact]
    public async Task IdleSales_AreNotRead_AndEntriesNobodyAnnounced_AreStillRecorded()
    {
        var sales = new List<string>();
        for (var i = 0; i < 20; i++)
        {
            sales.Add((await Admin.CreateSaleAsync(stock: 10)).Id());
        }

        var buyer = (await Admin.MintBuyersAsync(1))[0];
        using (var first = await Admin.WithToken(buyer.Token).PurchaseAsync(sales[0], 1))
        {
            Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        }

        var persister = App.Services.GetRequiredService<OutboxPersister>();
        await Task.Delay(300);
        var before = persister.Reads;
        await Task.Delay(1000);

        // ~50 sweeps of 20 sales: 1,000 reads before; none now, every outbox being empty.
        Assert.InRange(persister.Reads - before, 0, 5);

        // An entry as another instance's purchase leaves it, announced to nobody here: the sweep finds and records it.
        await using var redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(App.Storage.RedisConfiguration);
        var foreign = Guid.CreateVersion7();
        var sale = Guid.Parse(sales[1]);
        await redis.GetDatabase().StreamAddAsync(RedisKeys.Outbox(sale), "d",
            $"{foreign:D}|{buyer.UserId}|1|{DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()}|9|19.99|EUR|0|9|elsewhere");
        long recorded = 0;
        for (var i = 0; i < 100 && recorded == 0; i++)
        {
            await Task.Delay(50);
            recorded = await App.Storage.ScalarAsync($"SELECT count(*) FROM orders WHERE id = '{foreign}'");
        }

        Assert.Equal(1, recorded);
        Assert.Equal(0, await redis.GetDatabase().StreamLengthAsync(RedisKeys.Outbox(sale)));
    }
}
