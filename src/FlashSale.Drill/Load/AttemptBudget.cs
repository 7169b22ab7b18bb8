namespace FlashSale.Drill.Load;

/// <summary>Hands out attempt numbers 0..limit-1 to the virtual users, each exactly once.</summary>
internal sealed class AttemptBudget(long limit)
{
    private long _next = -1;

    /// <returns>The attempt number, or -1 when the budget is spent.</returns>
    public long TryTake()
    {
        var k = Interlocked.Increment(ref _next);
        return k < limit ? k : -1;
    }
}
