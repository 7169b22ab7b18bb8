using System.Diagnostics;
using FlashSale.Drill.Api;
using FlashSale.Drill.Cli;

namespace FlashSale.Drill.Load;

/// <summary>Runs the flood: <c>--concurrency</c> virtual users, bounded by the attempt budget and the flood time limit.</summary>
internal static class LoadRunner
{
    // interrupt: the operator's stop — no new requests, --stop-grace for those in flight. deadline: the hard deadline,
    // which stops the flood the same way (its results are checked, not thrown away: until 2026-12-07 it ended the run,
    // exit 2, no summary). abort: the caller's; it propagates.
    public static async Task<FloodResult> RunAsync(DrillOptions options, FlashSaleClient api, FloodPlan plan, ResponseLog log,
        LiveStats stats, CancellationToken interrupt, CancellationToken deadline, CancellationToken abort)
    {
        var grace = options.StopGrace;
        using var halt = CancellationTokenSource.CreateLinkedTokenSource(interrupt, deadline);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(abort, halt.Token);
        stop.CancelAfter(options.FloodLimit);
        using var inFlight = CancellationTokenSource.CreateLinkedTokenSource(abort);
        using var onHalt = halt.Token.Register(() =>
        {
            stats.Phase = (interrupt.IsCancellationRequested
                              ? "stopping (interrupted): no new requests; "
                              : $"stopping (the --deadline of {DurationText.Format(options.EffectiveDeadline)} passed): no new requests; ") +
                          $"waiting up to {DurationText.Format(grace)} for {stats.InFlight} in flight" +
                          (interrupt.IsCancellationRequested ? " — interrupt again to exit without a summary" : "");
            inFlight.CancelAfter(grace);
        });
        var floodStart = Stopwatch.GetTimestamp();
        stats.StartFlood();
        var budget = new AttemptBudget(options.AttemptBudget);
        var sender = new AttemptSender(api, log, stats, floodStart);
        var tokens = new FloodTokens(stop.Token, halt.Token, inFlight.Token, abort);
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
        // The operator's stop names the run if it came first; the deadline only when it alone cut the flood.
        return new FloodResult(flood, halt.IsCancellationRequested, deadline.IsCancellationRequested && !interrupt.IsCancellationRequested);
    }
}
