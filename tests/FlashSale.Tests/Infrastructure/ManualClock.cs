namespace FlashSale.Tests.Infrastructure;

/// <summary>A clock a test can move both ways (FakeTimeProvider refuses to go back; real clocks do).</summary>
public sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private long _ticks = start.UtcTicks;

    /// <summary>
    /// A clock at now on a whole millisecond, as sale times are stored: a clock with sub-millisecond ticks is, at
    /// "endsAt", already up to 1 ms past it, and an end that answers one instant late passed unseen.
    /// </summary>
    public static ManualClock OnAWholeMillisecond()
    {
        var now = DateTimeOffset.UtcNow;
        return new ManualClock(new DateTimeOffset(now.UtcTicks - (now.UtcTicks % TimeSpan.TicksPerMillisecond), TimeSpan.Zero));
    }

    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _ticks), TimeSpan.Zero);

    public void Set(DateTimeOffset now) => Interlocked.Exchange(ref _ticks, now.UtcTicks);

    public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
}
