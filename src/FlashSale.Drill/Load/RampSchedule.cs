namespace FlashSale.Drill.Load;

/// <summary>
/// k6-style linear ramps: virtual user <c>i</c> of <c>n</c> joins at <c>rampUp·i/n</c> and leaves at
/// <c>duration − rampDown·i/n</c>, so the active count climbs to n, holds, and falls to 0.
/// </summary>
internal static class RampSchedule
{
    public static TimeSpan StartOffset(int index, int count, TimeSpan rampUp) =>
        count <= 0 ? TimeSpan.Zero : rampUp * index / count;

    public static TimeSpan? StopOffset(int index, int count, TimeSpan? duration, TimeSpan rampDown) =>
        duration is null ? null : duration.Value - (count <= 0 ? TimeSpan.Zero : rampDown * index / count);

    /// <summary>How many virtual users are active <paramref name="elapsed"/> into the flood.</summary>
    public static int ActiveAt(TimeSpan elapsed, int count, TimeSpan? duration, TimeSpan rampUp, TimeSpan rampDown)
    {
        var active = 0;
        for (var i = 0; i < count; i++)
        {
            if (elapsed >= StartOffset(i, count, rampUp) && (StopOffset(i, count, duration, rampDown) is not { } stop || elapsed < stop))
            {
                active++;
            }
        }

        return active;
    }
}
