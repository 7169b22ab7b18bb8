using FlashSale.Drill.Cli;

namespace FlashSale.Drill.Load;

/// <summary>One virtual user: waits for its ramp slot, then loops attempt → think until the budget, its slot or the flood ends.</summary>
internal sealed class VirtualUser(int index, DrillOptions options, FloodPlan plan, AttemptBudget budget, AttemptSender sender)
{
    public async Task RunAsync(Func<TimeSpan> elapsed, FloodTokens tokens)
    {
        var stop = tokens.Stop;
        var random = new Random(HashCode.Combine(options.Seed, index));
        var start = RampSchedule.StartOffset(index, options.Concurrency, options.RampUp);
        var leave = RampSchedule.StopOffset(index, options.Concurrency, options.Duration, options.RampDown);
        if (!await DelayAsync(start - elapsed(), stop))
        {
            return;
        }

        while (!stop.IsCancellationRequested && (leave is null || elapsed() < leave))
        {
            var attempt = budget.TryTake();
            if (attempt < 0)
            {
                return;
            }

            var quantity = random.Next(options.QuantityMin, options.QuantityMax + 1);
            var key = options.NoKeys ? null : plan.KeyFor(attempt);
            // In-flight requests finish when the flood's time is up; an interrupt gives them a grace, the hard deadline none.
            await sender.SendAsync(attempt, plan.BuyerFor(attempt), plan.SaleFor(attempt), quantity, key, options.Retries,
                tokens.Interrupt, tokens.InFlight, tokens.Abort);

            var think = options.ThinkMin + (options.ThinkMax - options.ThinkMin) * random.NextDouble();
            if (!await DelayAsync(think, stop))
            {
                return;
            }
        }
    }

    private static async Task<bool> DelayAsync(TimeSpan delay, CancellationToken stop)
    {
        if (delay <= TimeSpan.Zero)
        {
            return !stop.IsCancellationRequested;
        }

        try
        {
            await Task.Delay(delay, stop);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
