using System.Diagnostics;
using FlashSale.Drill.Api;
using FlashSale.Drill.Cli;

namespace FlashSale.Drill.Load;

/// <summary>Runs the flood: <c>--concurrency</c> virtual users, bounded by the attempt budget and the flood time limit.</summary>
internal static class LoadRunner
{
    public static async Task<TimeSpan> RunAsync(DrillOptions options, FlashSaleClient api, FloodPlan plan, ResponseLog log,
        LiveStats stats, CancellationToken abort)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(abort);
        stop.CancelAfter(options.FloodLimit);
        var floodStart = Stopwatch.GetTimestamp();
        stats.StartFlood();
        var budget = new AttemptBudget(options.AttemptBudget);
        var sender = new AttemptSender(api, log, stats, floodStart);
        TimeSpan Elapsed() => Stopwatch.GetElapsedTime(floodStart);

        var users = new Task[options.Concurrency];
        for (var i = 0; i < users.Length; i++)
        {
            var user = new VirtualUser(i, options, plan, budget, sender);
            users[i] = Task.Run(() => user.RunAsync(Elapsed, stop.Token, abort), abort);
        }

        await Task.WhenAll(users);
        var flood = Elapsed();
        stats.EndFlood(flood);
        return flood;
    }
}
