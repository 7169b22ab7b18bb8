using FlashSale.RateLimiting;
using Microsoft.Extensions.Time.Testing;

namespace FlashSale.Tests.RateLimiting;

/// <summary>The sliding-window counter in process, on a fake clock.</summary>
public sealed class LocalRateLimiterTests
{
    private static readonly RateLimitRule FivePerMinute = new("five", 5, TimeSpan.FromMinutes(1));

    [Fact]
    public async Task TheLimitHolds_AndRetryAfterPointsToTheNextWindow()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero));
        var limiter = new LocalRateLimiter(clock);

        for (var i = 0; i < 5; i++)
        {
            Assert.True((await limiter.AcquireAsync(FivePerMinute, "alice", default)).Allowed);
        }

        var refused = await limiter.AcquireAsync(FivePerMinute, "alice", default);
        Assert.False(refused.Allowed);
        // Full at the start of a window: the next one opens in 60 s, and then 1/5 of it must slide by.
        Assert.Equal(TimeSpan.FromSeconds(72), refused.RetryAfter);
        Assert.True((await limiter.AcquireAsync(FivePerMinute, "bob", default)).Allowed);
    }

    [Fact]
    public async Task TheWindowSlides_ThePreviousWindowWeighsLessAndLess()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero));
        var limiter = new LocalRateLimiter(clock);
        for (var i = 0; i < 5; i++)
        {
            await limiter.AcquireAsync(FivePerMinute, "alice", default);
        }

        clock.Advance(TimeSpan.FromSeconds(60));
        Assert.False((await limiter.AcquireAsync(FivePerMinute, "alice", default)).Allowed); // 5 × 100 % still counts

        clock.Advance(TimeSpan.FromSeconds(12));
        Assert.True((await limiter.AcquireAsync(FivePerMinute, "alice", default)).Allowed);  // 5 × 80 % + 0 = 4
        Assert.False((await limiter.AcquireAsync(FivePerMinute, "alice", default)).Allowed); // 4 + 1 = 5

        clock.Advance(TimeSpan.FromSeconds(120));
        for (var i = 0; i < 5; i++)
        {
            Assert.True((await limiter.AcquireAsync(FivePerMinute, "alice", default)).Allowed);
        }
    }

    [Fact]
    public async Task RetryAfter_IsWhenARequestFitsAgain()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 23, 12, 0, 30, TimeSpan.Zero));
        var limiter = new LocalRateLimiter(clock);
        RateLimitDecision decision;
        do
        {
            decision = await limiter.AcquireAsync(FivePerMinute, "alice", default);
            clock.Advance(TimeSpan.FromSeconds(3));
        }
        while (decision.Allowed);

        clock.Advance(decision.RetryAfter - TimeSpan.FromSeconds(3) - TimeSpan.FromMilliseconds(2));
        Assert.False((await limiter.AcquireAsync(FivePerMinute, "alice", default)).Allowed);
        clock.Advance(TimeSpan.FromMilliseconds(2));
        Assert.True((await limiter.AcquireAsync(FivePerMinute, "alice", default)).Allowed);
    }

    [Fact]
    public async Task IdleSubjects_AreForgotten()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero));
        var limiter = new LocalRateLimiter(clock);
        for (var i = 0; i < 1000; i++)
        {
            await limiter.AcquireAsync(FivePerMinute, $"client-{i}", default);
        }

        Assert.Equal(1000, limiter.Count);
        clock.Advance(TimeSpan.FromMinutes(3));
        await limiter.AcquireAsync(FivePerMinute, "late", default);

        Assert.Equal(1, limiter.Count);
    }
}
