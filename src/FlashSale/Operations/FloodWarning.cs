namespace FlashSale.Operations;

/// <summary>
/// A warning about something a flood repeats thousands of times a second (connections refused, sign-ins throttled):
/// each occurrence is counted, and at most one warning per <paramref name="every"/> says how many came since the last.
/// </summary>
public sealed class FloodWarning(TimeSpan every, TimeProvider time)
{
    private long _unlogged;
    private long _loggedAt;

    /// <summary>Counts one; the number to log (this one and those unlogged since the last warning) when one is due, else 0.</summary>
    public long Count()
    {
        Interlocked.Increment(ref _unlogged);
        var now = time.GetTimestamp();
        var last = Interlocked.Read(ref _loggedAt);
        if ((last != 0 && time.GetElapsedTime(last, now) < every) || Interlocked.CompareExchange(ref _loggedAt, now, last) != last)
        {
            return 0;
        }

        return Interlocked.Exchange(ref _unlogged, 0);
    }
}
