using FlashSale.RateLimiting;
using FlashSale.Storage.Redis;
using StackExchange.Redis;

namespace FlashSale.Tests.RateLimiting;

/// <summary>The Redis limiter against a real Redis; two connections stand for two server instances.</summary>
public sealed class RedisRateLimiterTests : TwoRedisConnections
{
    [Fact]
    public async Task TwoInstances_ShareOneCount()
    {
        var rule = new RateLimitRule(UniqueName(), PermitLimit: 5, Window: TimeSpan.FromMinutes(1));
        var a = new RedisRateLimiter(First);
        var b = new RedisRateLimiter(Second);

        var decisions = new List<RateLimitDecision>();
        for (var i = 0; i < 6; i++)
        {
            decisions.Add(await (i % 2 == 0 ? a : b).AcquireAsync(rule, "user-1", CancellationToken.None));
        }

        Assert.All(decisions.Take(5), d => Assert.True(d.Allowed));
        Assert.False(decisions[5].Allowed);
        Assert.InRange(decisions[5].RetryAfter, TimeSpan.FromMilliseconds(1), TimeSpan.FromMinutes(2));
        Assert.True((await b.AcquireAsync(rule, "user-2", CancellationToken.None)).Allowed, "another subject has its own count");
    }

    [Fact]
    public async Task ParallelAttemptsOnTwoInstances_AdmitExactlyTheLimit()
    {
        var rule = new RateLimitRule(UniqueName(), PermitLimit: 25, Window: TimeSpan.FromMinutes(10));
        var limiters = new[] { new RedisRateLimiter(First), new RedisRateLimiter(Second) };

        var decisions = await Task.WhenAll(Enumerable.Range(0, 200)
            .Select(i => limiters[i % 2].AcquireAsync(rule, "bot", CancellationToken.None).AsTask()));

        // A window of ten minutes: the test cannot straddle more than one boundary's worth of drift.
        Assert.InRange(decisions.Count(d => d.Allowed), 25, 26);
    }

    [Fact]
    public async Task TheWindowSlides()
    {
        // Two seconds: the fourth request is refused unless the host stalls ~0.7 s among the first four.
        var rule = new RateLimitRule(UniqueName(), PermitLimit: 3, Window: TimeSpan.FromSeconds(2));
        var a = new RedisRateLimiter(First);
        var b = new RedisRateLimiter(Second);

        // Start right after a window boundary (windows are aligned to the Unix epoch) so the three fit one window.
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        await Task.Delay(TimeSpan.FromMilliseconds(2000 - now % 2000 + 20));
        for (var i = 0; i < 3; i++)
        {
            Assert.True((await a.AcquireAsync(rule, "s", CancellationToken.None)).Allowed);
        }

        var refused = await b.AcquireAsync(rule, "s", CancellationToken.None);
        Assert.False(refused.Allowed);
        Assert.InRange(refused.RetryAfter, TimeSpan.FromMilliseconds(1), TimeSpan.FromSeconds(4));

        // Two windows on, nothing of the old count weighs any more.
        await Task.Delay(TimeSpan.FromSeconds(4.1));
        for (var i = 0; i < 3; i++)
        {
            Assert.True((await b.AcquireAsync(rule, "s", CancellationToken.None)).Allowed);
        }

        Assert.False((await a.AcquireAsync(rule, "s", CancellationToken.None)).Allowed);
    }

    [Fact]
    public async Task AfterRetryAfter_ARequestIsAdmitted()
    {
        // Three seconds: the third request is refused unless the host stalls half a window between the second and
        // the third (at one second, a loaded test run once stalled that long and the sliding estimate let the third in).
        var rule = new RateLimitRule(UniqueName(), PermitLimit: 2, Window: TimeSpan.FromSeconds(3));
        var limiter = new RedisRateLimiter(First);
        await limiter.AcquireAsync(rule, "s", CancellationToken.None);
        await limiter.AcquireAsync(rule, "s", CancellationToken.None);
        var refused = await limiter.AcquireAsync(rule, "s", CancellationToken.None);
        Assert.False(refused.Allowed);

        await Task.Delay(refused.RetryAfter + TimeSpan.FromMilliseconds(50));

        Assert.True((await limiter.AcquireAsync(rule, "s", CancellationToken.None)).Allowed);
    }

    [Fact]
    public async Task KeysExpireAndCarryTheHashTag()
    {
        var rule = new RateLimitRule(UniqueName(), PermitLimit: 2, Window: TimeSpan.FromSeconds(30));
        await new RedisRateLimiter(First).AcquireAsync(rule, "u:abc", CancellationToken.None);

        var key = RedisRateLimiter.Key(rule.Name, "u:abc");
        Assert.Equal($"{{rl:{rule.Name}:u:abc}}", key.ToString());
        var ttl = await First.GetDatabase().KeyTimeToLiveAsync(key);
        Assert.NotNull(ttl);
        Assert.InRange(ttl.Value, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60));
        Assert.DoesNotContain("{", RedisRateLimiter.Key("r", "evil}{subject").ToString()[1..^1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task OneCallForTwoRules_CountsEach_AndStopsAtTheFirstRefusal()
    {
        var tight = new RateLimitRule(UniqueName(), PermitLimit: 2, Window: TimeSpan.FromMinutes(1));
        var loose = new RateLimitRule(UniqueName(), PermitLimit: 5, Window: TimeSpan.FromMinutes(1));
        var limiter = new RedisRateLimiter(First);
        RateLimitCheck[] checks = [new(tight, "ip:1"), new(loose, "u:1")];

        var results = new List<(int Refused, RateLimitDecision Decision)>();
        for (var i = 0; i < 3; i++)
        {
            results.Add(await limiter.AcquireAllAsync(checks, CancellationToken.None));
        }

        Assert.Equal([-1, -1, 0], results.Select(r => r.Refused));
        Assert.False(results[2].Decision.Allowed);
        // The refusal by the first rule did not count the second: it has 3 of its 5 left.
        var loneLoose = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => limiter.AcquireAsync(loose, "u:1", CancellationToken.None).AsTask()));
        Assert.Equal(3, loneLoose.Count(d => d.Allowed));
    }

    [Fact]
    public async Task OneCallForTwoRules_ARefusalByTheSecond_CountedTheFirst()
    {
        var loose = new RateLimitRule(UniqueName(), PermitLimit: 4, Window: TimeSpan.FromMinutes(1));
        var tight = new RateLimitRule(UniqueName(), PermitLimit: 1, Window: TimeSpan.FromMinutes(1));
        var limiter = new RedisRateLimiter(Second);
        RateLimitCheck[] checks = [new(loose, "ip:2"), new(tight, "u:2")];

        Assert.Equal(-1, (await limiter.AcquireAllAsync(checks, CancellationToken.None)).Refused);
        Assert.Equal(1, (await limiter.AcquireAllAsync(checks, CancellationToken.None)).Refused);

        // As with one call per rule: both attempts counted against the first rule, 2 of its 4 are left.
        var loneLoose = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => limiter.AcquireAsync(loose, "ip:2", CancellationToken.None).AsTask()));
        Assert.Equal(2, loneLoose.Count(d => d.Allowed));
    }

    [Fact]
    public async Task OnARedisCluster_RulesInDifferentSlots_AreCheckedOneByOne()
    {
        var address = Environment.GetEnvironmentVariable("FLASHSALE_TEST_REDIS_CLUSTER")
            ?? throw new InvalidOperationException("FLASHSALE_TEST_REDIS_CLUSTER is not set: run scripts/test.sh.");
        await using var cluster = await ConnectionMultiplexer.ConnectAsync(address);
        var first = new RateLimitRule(UniqueName(), PermitLimit: 1, Window: TimeSpan.FromMinutes(1));
        RateLimitRule second;
        do
        {
            second = new RateLimitRule(UniqueName(), PermitLimit: 3, Window: TimeSpan.FromMinutes(1));
        }
        while (cluster.HashSlot(RedisRateLimiter.Key(second.Name, "u:3")) == cluster.HashSlot(RedisRateLimiter.Key(first.Name, "ip:3")));
        var limiter = new RedisRateLimiter(cluster);
        RateLimitCheck[] checks = [new(first, "ip:3"), new(second, "u:3")];

        Assert.Equal(-1, (await limiter.AcquireAllAsync(checks, CancellationToken.None)).Refused);
        Assert.Equal(0, (await limiter.AcquireAllAsync(checks, CancellationToken.None)).Refused);
        // The refused call did not count the second rule: 2 of its 3 are left.
        Assert.True((await limiter.AcquireAsync(second, "u:3", CancellationToken.None)).Allowed);
        Assert.True((await limiter.AcquireAsync(second, "u:3", CancellationToken.None)).Allowed);
        Assert.False((await limiter.AcquireAsync(second, "u:3", CancellationToken.None)).Allowed);
    }
}
