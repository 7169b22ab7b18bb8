using System.Collections.Concurrent;

namespace FlashSale.RateLimiting;

/// <summary>
/// Process-local sliding-window counters: one small entry per rule and subject, dropped once its
/// windows have passed (swept at most every <see cref="SweepInterval"/>). Each instance of a
/// distributed deployment counting alone would multiply the limits, hence the Redis implementation.
/// </summary>
public sealed class LocalRateLimiter(TimeProvider clock) : IRateLimiter
{
    public static readonly TimeSpan SweepInterval = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<(string Rule, string Subject), Entry> _entries = new();
    private long _nextSweepMs;
    private int _sweeping;

    /// <summary>Entries held now; for tests and metrics.</summary>
    public int Count => _entries.Count;

    public ValueTask<RateLimitDecision> AcquireAsync(RateLimitRule rule, string subject, CancellationToken ct)
    {
        var nowMs = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var windowMs = (long)rule.Window.TotalMilliseconds;
        var entry = _entries.GetOrAdd((rule.Name, subject), static (_, w) => new Entry(w), windowMs);
        RateLimitDecision decision;
        lock (entry)
        {
            decision = SlidingWindow.Acquire(ref entry.State, nowMs, rule.PermitLimit, windowMs);
        }

        SweepIfDue(nowMs);
        return ValueTask.FromResult(decision);
    }

    public void GiveBack(RateLimitRule rule, string subject, DateTimeOffset countedAt)
    {
        if (_entries.TryGetValue((rule.Name, subject), out var entry))
        {
            lock (entry)
            {
                SlidingWindow.GiveBack(ref entry.State, countedAt.ToUnixTimeMilliseconds() / (long)rule.Window.TotalMilliseconds);
            }
        }
    }

    /// <summary>Drops entries whose current window ended more than a window ago: they count nothing any more.</summary>
    public void Sweep(long nowMs)
    {
        foreach (var (key, entry) in _entries)
        {
            bool expired;
            lock (entry)
            {
                expired = (entry.State.Window + 2) * entry.WindowMs <= nowMs;
            }

            if (expired)
            {
                // Removes only this very entry: one revived in between by a request stays.
                _entries.TryRemove(new KeyValuePair<(string, string), Entry>(key, entry));
            }
        }
    }

    private void SweepIfDue(long nowMs)
    {
        if (nowMs < Interlocked.Read(ref _nextSweepMs) || Interlocked.Exchange(ref _sweeping, 1) == 1)
        {
            return;
        }

        try
        {
            Interlocked.Exchange(ref _nextSweepMs, nowMs + (long)SweepInterval.TotalMilliseconds);
            Sweep(nowMs);
        }
        finally
        {
            Volatile.Write(ref _sweeping, 0);
        }
    }

    private sealed class Entry(long windowMs)
    {
        public readonly long WindowMs = windowMs;
        public SlidingWindow.State State;
    }
}
