using FlashSale.RateLimiting;
using FlashSale.Storage.Redis;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace FlashSale.Tests.RateLimiting;

/// <summary>
/// Leased permits (RedisRateLimiter) against a real Redis: a busy subject costs a round trip per lease,
/// leases are counted when granted (so instances together never exceed the limit), and what an
/// instance leased and did not spend is given back. Two connections stand for two instances.
/// </summary>
public sealed class RedisRateLimiterLeaseTests : TwoRedisConnections
{
    [Fact]
    public async Task ABusySubject_IsServedFromLeases_AndEveryLeasedPermitIsCounted()
    {
        var rule = new RateLimitRule(UniqueName(), PermitLimit: 100_000, Window: TimeSpan.FromMinutes(1));
        using var limiter = new RedisRateLimiter(First);

        for (var i = 0; i < 2000; i++)
        {
            Assert.True((await limiter.AcquireAsync(rule, "busy", CancellationToken.None)).Allowed);
        }

        // Leases double from 1 up to the cap (1000): a dozen round trips, not 2000.
        Assert.InRange(limiter.RoundTrips, 2, 20);
        var counted = (long)await First.GetDatabase().HashGetAsync(RedisRateLimiter.Key(rule.Name, "busy"), "c");
        Assert.InRange(counted, 2000, 2000 + 1000);
    }

    [Fact]
    public async Task ABurstWithinTheLimit_IsAllAdmitted_ThoughItsGrantsRaceEachOther()
    {
        var rule = new RateLimitRule(UniqueName(), PermitLimit: 30, Window: TimeSpan.FromMinutes(1));
        using var limiter = new RedisRateLimiter(First);

        // Three requests: leases of 1 and 2, all spent. The next ones each find the lease empty and ask Redis for
        // 4 at once; after seven grants Redis has nothing left, while this instance holds 20 permits unspent.
        for (var i = 0; i < 3; i++)
        {
            Assert.True((await limiter.AcquireAsync(rule, "burst", CancellationToken.None)).Allowed);
        }

        var decisions = await Task.WhenAll(Enumerable.Range(0, 27).Select(_ => limiter.AcquireAsync(rule, "burst", CancellationToken.None).AsTask()));

        Assert.True(decisions.All(d => d.Allowed), $"{decisions.Count(d => !d.Allowed)} of 27 refused with permits to spare: 30 is the limit");
        Assert.False((await limiter.AcquireAsync(rule, "burst", CancellationToken.None)).Allowed, "the 31st is over the limit");
    }

    [Fact]
    public async Task LeasingOff_IsOneRoundTripPerRequest()
    {
        var rule = new RateLimitRule(UniqueName(), PermitLimit: 100_000, Window: TimeSpan.FromMinutes(1));
        using var limiter = new RedisRateLimiter(First, Options.Create(new RedisRateLimiterOptions { MaxPermits = 1 }));

        for (var i = 0; i < 50; i++)
        {
            await limiter.AcquireAsync(rule, "s", CancellationToken.None);
        }

        Assert.Equal(50, limiter.RoundTrips);
        Assert.Equal(50, (long)await First.GetDatabase().HashGetAsync(RedisRateLimiter.Key(rule.Name, "s"), "c"));
    }

    [Fact]
    public async Task UnspentPermits_AreGivenBack_WhenTheLeaseExpires()
    {
        var rule = new RateLimitRule(UniqueName(), PermitLimit: 10, Window: TimeSpan.FromMinutes(1));
        // The instances' clock stands still until the test moves it: a stalled test host cannot expire a lease early.
        var clock = new FakeTimeProvider();
        var (a, b) = TwoInstances(lifetime: TimeSpan.FromMilliseconds(200), clock);

        // a asks for 1, then 2, then (spent within the lifetime) 4: it has spent 4 and holds 3 more.
        for (var i = 0; i < 4; i++)
        {
            Assert.True((await a.AcquireAsync(rule, "s", CancellationToken.None)).Allowed);
        }

        var key = RedisRateLimiter.Key(rule.Name, "s");
        Assert.Equal(7, (long)await First.GetDatabase().HashGetAsync(key, "c"));

        // b sees what is left after a's lease: 3, not 6.
        var early = await AcquireMany(b, rule, 6);
        Assert.Equal(3, early);

        // After the lease's lifetime a gives its 3 unspent permits back (its sweep, every 100 ms), and b can use them.
        clock.Advance(TimeSpan.FromMilliseconds(300));
        await WaitUntil(async () => (long)await First.GetDatabase().HashGetAsync(key, "c") <= 7);
        var late = await AcquireMany(b, rule, 6);
        Assert.Equal(3, late);
        Assert.False((await a.AcquireAsync(rule, "s", CancellationToken.None)).Allowed, "the 10 are spent: 4 by a, 6 by b");
    }

    [Fact]
    public async Task ParallelInstancesWithLeases_NeverAdmitMoreThanTheLimit_AndLoseNoPermit()
    {
        var rule = new RateLimitRule(UniqueName(), PermitLimit: 300, Window: TimeSpan.FromMinutes(10));
        var (a, b) = TwoInstances(lifetime: TimeSpan.FromMilliseconds(100));
        RedisRateLimiter[] limiters = [a, b];

        // Eight workers, four per instance, 100 attempts each: 800 attempts for 300 permits.
        var admitted = await Task.WhenAll(Enumerable.Range(0, 8).Select(w => AcquireMany(limiters[w % 2], rule, 100)));
        Assert.InRange(admitted.Sum(), 1, 300);

        // Leases expire and their unspent permits come back: whatever was not admitted yet can be now, and no more.
        // Rounds, because a's own lease may expire while it spends (a stalled test host) and its permits come back
        // only at the next sweep: the total must reach the limit, and a round after that must admit nothing.
        var total = admitted.Sum();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(300));
            var round = await AcquireMany(a, rule, 400);
            total += round;
            if ((round == 0 && total >= 300) || DateTime.UtcNow > deadline)
            {
                break;
            }
        }

        // A window of ten minutes: the test cannot straddle more than one boundary's worth of drift.
        Assert.InRange(total, 300, 301);
    }

    /// <summary>Two instances that may lease up to half a limit, for a short lifetime.</summary>
    private (RedisRateLimiter A, RedisRateLimiter B) TwoInstances(TimeSpan lifetime, TimeProvider? clock = null)
    {
        var options = Options.Create(new RedisRateLimiterOptions { MaxShare = 0.5, Lifetime = lifetime });
        return (Owned(new RedisRateLimiter(First, options, clock)), Owned(new RedisRateLimiter(Second, options, clock)));
    }

    private static async Task<int> AcquireMany(RedisRateLimiter limiter, RateLimitRule rule, int attempts)
    {
        var admitted = 0;
        for (var i = 0; i < attempts; i++)
        {
            if ((await limiter.AcquireAsync(rule, "s", CancellationToken.None)).Allowed)
            {
                admitted++;
            }
        }

        return admitted;
    }

    private static async Task WaitUntil(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out");
            await Task.Delay(20);
        }
    }
}
