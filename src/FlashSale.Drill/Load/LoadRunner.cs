using System.Diagnostics;
using FlashSale.Drill.Api;
using FlashSale.Drill.Cli;

namespace FlashSale.Drill.Load;

/// <summary>Runs the flood: <c>--concurrency</c> virtual users, bounded by the attempt budget and the flood time limit.</summary>
internal static class LoadRunner
{
    // interrupt: the operator's stop — no new requests, --stop-grace for those in flight. abort: the hard deadline; it
    // propagates.
    public static async Task<FloodResult> RunAsync(DrillOptions options, FlashSaleClient api, FloodPlan plan, ResponseLog log,
        LiveStats stats, CancellationToken interrupt, CancellationToken abort)
    {
        var grace = options.StopGrace;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(abort, interrupt);
        stop.CancelAfter(options.FloodLimit);
        using var inFlight = CancellationTokenSource.CreateLinkedTokenSource(abort);
        using var onInterrupt = interrupt.Register(() =>
        {
            stats.Phase = $"stopping (interrupted): no new requests; waiting up to {DurationText.Format(grace)} for " +
                          $"{stats.InFlight} in flight — interrupt again to exit without a summary";
            inFlight.CancelAfter(grace);
        });
        var floodStart = Stopwatch.GetTimestamp();
        stats.StartFlood();
        var budget = new AttemptBudget(options.AttemptBudget);
        var sender = new AttemptSender(api, log, stats, floodStart);
        var tokens = new FloodTokens(stop.Token, interrupt, inFlight.Token, abort);
        TimeSpan Elapsed() => Stopwatch.GetElapsedTime(floodStart);

        var users = new Task[options.Concurrency];
        for (var i = 0; i < users.Length; i++)
        {
            var user = new VirtualUser(i, options, plan, budget, sender);
            users[i] = Task.Run(() => user.RunAsync(Elapsed, tokens), abort);
        }

        await Task.WhenAll(users);
        var flood = Elapsed();
        stats.EndFlood(flood);
        return new FloodResult(flood, interrupt.IsCancellationRequested);
    }
}
