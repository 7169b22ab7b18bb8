using System.Net;
using FlashSale.Storage.Redis;
using FlashSale.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FlashSale.Tests.Distributed;

/// <summary>
/// A Redis reconnect raises a connection event per connection and attempt: an audit saw event 4251 ("Redis may have failed
/// over") logged 138 times in one second on one instance. It is logged at most once a second per endpoint, the next line
/// counting the events not logged; every event still opens the suspicion window (<see cref="FailoverWatch.Suspected"/>).
/// </summary>
public sealed class FailoverWarningFloodTests
{
    [Fact]
    public async Task ABurstOfConnectionEvents_IsOneWarningPerEndpoint_AndTheNextCountsTheRest()
    {
        var logs = new ErrorLog(LogLevel.Warning);
        await using var app = new TestApp(kind: StorageKind.Redis, services: s => s.AddSingleton<ILoggerProvider>(logs));
        var watch = app.Services.GetRequiredService<FailoverWatch>();
        var a = new DnsEndPoint("redis-a.test", 6379);
        var b = new DnsEndPoint("redis-b.test", 6379);

        for (var i = 0; i < 138; i++)
        {
            watch.SuspectAt(a, i % 2 == 0 ? $"connection to {a} failed (SocketFailure)" : $"connection to {a} restored");
        }

        for (var i = 0; i < 5; i++)
        {
            watch.SuspectAt(b, $"connection to {b} failed (SocketFailure)");
        }

        Assert.True(watch.Suspected);
        var first = Warnings(logs, "redis-a.test");
        Assert.Single(first);
        Assert.Contains("(0 more such events", first[0], StringComparison.Ordinal);
        Assert.Single(Warnings(logs, "redis-b.test"));

        // A second on: the next event of the endpoint is logged again, with the count of those that were not.
        await Task.Delay(FailoverWatch.LogEvery + TimeSpan.FromMilliseconds(100));
        watch.SuspectAt(a, $"connection to {a} restored");
        var after = Warnings(logs, "redis-a.test");
        Assert.Equal(2, after.Count);
        Assert.Contains("(137 more such events", after[1], StringComparison.Ordinal);
        Assert.Single(Warnings(logs, "redis-b.test"));
        Assert.True(watch.Suspected);
    }

    private static List<string> Warnings(ErrorLog logs, string endpoint) =>
        logs.Entries.Where(l => l.StartsWith("Warning 4251 ", StringComparison.Ordinal) && l.Contains(endpoint, StringComparison.Ordinal)).ToList();
}
