using System.Diagnostics;
using System.Net;
using FlashSale.Storage.Redis;
using FlashSale.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FlashSale.Tests.Distributed;

/// <summary>
/// A Redis reconnect raises a connection event per connection and attempt: an audit saw event 4251 ("Redis may have failed
/// over") logged 138 times in one second on one instance. It is logged at most once a second per endpoint, the next line
/// counting the events not logged; every event still opens the suspicion window (<see cref="FailoverWatch.Suspected"/>:
/// <see cref="AnEventNotLogged_StillOpensTheSuspicionWindow"/>).
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
    }

    /// <summary>
    /// The throttle is the log's only: an event not logged opens the window all the same. (The burst above cannot show
    /// it: its first event, logged, opens a two-minute window that outlasts the test whatever the others do.)
    /// </summary>
    [Fact]
    public async Task AnEventNotLogged_StillOpensTheSuspicionWindow()
    {
        var logs = new ErrorLog(LogLevel.Warning);
        await using var app = new TestApp(kind: StorageKind.Redis, services: s => s.AddSingleton<ILoggerProvider>(logs),
            settings: new Dictionary<string, string?> { ["Distributed:FailoverSuspicion"] = "00:00:00.200" });
        var watch = app.Services.GetRequiredService<FailoverWatch>();
        var a = new DnsEndPoint("redis-a.test", 6379);

        var sinceLogged = Stopwatch.StartNew();
        watch.SuspectAt(a, $"connection to {a} failed (SocketFailure)");
        // The logged event's window (200 ms) is over; the next event comes well within the second of its warning.
        await Task.Delay(TimeSpan.FromMilliseconds(400));
        Assert.False(watch.Suspected);

        watch.SuspectAt(a, $"connection to {a} restored");
        var suspected = watch.Suspected;
        var withinTheSecond = sinceLogged.Elapsed < FailoverWatch.LogEvery;
        Assert.True(suspected, "an event that was not logged did not open the suspicion window");
        // Not logged: it came within the second of the first's warning. (A host so loaded that the 400 ms pause took past
        // the second logs it; the window is asserted all the same.)
        Assert.Equal(withinTheSecond ? 1 : 2, Warnings(logs, "redis-a.test").Count);
    }

    private static List<string> Warnings(ErrorLog logs, string endpoint) =>
        logs.Entries.Where(l => l.StartsWith("Warning 4251 ", StringComparison.Ordinal) && l.Contains(endpoint, StringComparison.Ordinal)).ToList();
}
