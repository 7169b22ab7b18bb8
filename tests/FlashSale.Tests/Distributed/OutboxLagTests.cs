using FlashSale.Storage.Redis;
using FlashSale.Tests.Infrastructure;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace FlashSale.Tests.Distributed;

/// <summary>The outbox lag gauges: what the record still lacks, over all sales, and how long the oldest entry waited.</summary>
public sealed class OutboxLagTests
{
    [Fact]
    public async Task Sample_CountsUnrecordedEntries_AndAgesTheOldest()
    {
        await using var storage = TestStorage.Create(StorageKind.Redis);
        await using var redis = await ConnectionMultiplexer.ConnectAsync(storage.RedisConfiguration);
        // A namespace of its own and no persister: the entries stay where they are.
        var ns = "lag-" + Guid.NewGuid().ToString("N")[..12];
        var db = redis.GetDatabase();
        var sales = new[] { Guid.NewGuid(), Guid.NewGuid() };
        foreach (var sale in sales)
        {
            await db.SetAddAsync(RedisKeys.Registry(ns), sale.ToString("D"));
        }

        await db.StreamAddAsync(RedisKeys.Outbox(sales[0]), "o", "1");
        await db.StreamAddAsync(RedisKeys.Outbox(sales[0]), "o", "2");
        await db.StreamAddAsync(RedisKeys.Outbox(sales[1]), "o", "3");
        var clock = new ManualClock(DateTimeOffset.UtcNow.AddSeconds(30));
        var monitor = new OutboxLagMonitor(redis, Options.Create(new DistributedOptions { Namespace = ns }), clock);

        var sample = await monitor.SampleAsync();

        Assert.Equal(3, sample.Pending);
        Assert.InRange(sample.OldestAge, TimeSpan.FromSeconds(25), TimeSpan.FromSeconds(40));
        await db.KeyDeleteAsync([RedisKeys.Registry(ns), RedisKeys.Outbox(sales[0]), RedisKeys.Outbox(sales[1])]);
    }

    [Fact]
    public async Task Metrics_ExposeTheOutboxGauges_InDistributedMode()
    {
        await using var app = new TestApp(kind: StorageKind.Redis);
        var client = app.CreateClient();
        var text = "";
        for (var i = 0; i < 30 && !text.Contains("flashsale_outbox_oldest_age_seconds", StringComparison.Ordinal); i++)
        {
            await Task.Delay(i == 0 ? 0 : 200);
            text = await client.GetStringAsync("/metrics");
        }

        Assert.Contains("flashsale_outbox_pending", text, StringComparison.Ordinal);
        Assert.Contains("flashsale_outbox_oldest_age_seconds", text, StringComparison.Ordinal);
    }
}
