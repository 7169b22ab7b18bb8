namespace FlashSale.RateLimiting;

/// <summary>
/// The sliding-window counter: two fixed windows, the previous one weighted by how much of it
/// still overlaps the sliding window. Exact enough for abuse control, O(1) memory per subject.
/// Storage/Redis/Scripts/ratelimit.lua is the same arithmetic; change both together.
/// </summary>
public static class SlidingWindow
{
    /// <summary>The state of one subject: the index of the current fixed window and the counts of it and the one before.</summary>
    public struct State
    {
        public long Window;
        public long Current;
        public long Previous;
    }

    /// <summary>Counts one request if it fits; otherwise returns how long until one would.</summary>
    public static RateLimitDecision Acquire(ref State state, long nowMs, int limit, long windowMs)
    {
        var index = nowMs / windowMs;
        if (index > state.Window)
        {
            // A clock that steps back stays in the window it knows rather than forgiving everything.
            state.Previous = index == state.Window + 1 ? state.Current : 0;
            state.Current = 0;
            state.Window = index;
        }

        var elapsed = (double)(nowMs - (state.Window * windowMs)) / windowMs;
        elapsed = Math.Clamp(elapsed, 0, 1);
        var estimate = (state.Previous * (1 - elapsed)) + state.Current;
        if (estimate + 1 <= limit)
        {
            state.Current++;
            return RateLimitDecision.Allow;
        }

        return RateLimitDecision.Refuse(TimeSpan.FromMilliseconds(RetryAfterMs(state, elapsed, limit, windowMs)));
    }

    /// <summary>One request counted in window <paramref name="index"/> stops counting, if that window still weighs.</summary>
    public static void GiveBack(ref State state, long index)
    {
        if (index == state.Window)
        {
            state.Current = Math.Max(0, state.Current - 1);
        }
        else if (index == state.Window - 1)
        {
            state.Previous = Math.Max(0, state.Previous - 1);
        }
    }

    /// <summary>The wait, with no further requests, until the estimate leaves room for one.</summary>
    private static double RetryAfterMs(State state, double elapsed, int limit, long windowMs)
    {
        double wait;
        if (state.Current + 1 <= limit && state.Previous > 0)
        {
            // Room in this window once enough of the previous one has slid out.
            var needed = 1 - ((limit - state.Current - 1) / (double)state.Previous);
            wait = (needed - elapsed) * windowMs;
        }
        else
        {
            // This window is full on its own: wait for the next one, and for this one to slide out of it.
            var needed = state.Current == 0 ? 0 : 1 - ((limit - 1) / (double)state.Current);
            wait = ((1 - elapsed) + Math.Max(0, needed)) * windowMs;
        }

        return Math.Max(1, Math.Ceiling(wait));
    }
}
