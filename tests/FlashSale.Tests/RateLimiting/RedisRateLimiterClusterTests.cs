using System.Diagnostics;
using FlashSale.RateLimiting;
using FlashSale.Storage.Redis;
using FlashSale.Tests.Infrastructure;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace FlashSale.Tests.RateLimiting;

/// <summary>
/// On a Redis Cluster the rules' keys are spread over every slot, so over every master. One master down must refuse only
/// the subjects whose keys it holds: until 2026-12-06 the limiter had one circuit breaker, and the first request whose key
/// was on the dead master opened it for every request of the instance (an audit: 32,016 × 503 in ~9 s on a healthy
/// sale). A cluster of its own, two masters, one of them killed.
/// </summary>
public sealed class RedisRateLimiterClusterTests : IAsyncLifetime
{
    private readonly RedisClusterProcess _cluster = new(masters: 2);
    private ConnectionMultiplexer _redis = null!;

    public async Task InitializeAsync()
    {
        await _cluster.StartAsync();
        _redis = await ConnectionMultiplexer.ConnectAsync(_cluster.Configuration + ",connectTimeout=1000,asyncTimeout=2000,syncTimeout=2000");
    }

    public async Task DisposeAsync()
    {
        await _redis.DisposeAsync();
        await _cluster.DisposeAsync();
    }

    [Fact]
    public async Task AMasterDown_RefusesTheSubjectsOnIt_AndServesTheOthers()
    {
        var rule = new RateLimitRule("t" + Guid.NewGuid().ToString("N")[..12], PermitLimit: 1000, Window: TimeSpan.FromMinutes(1));
        using var limiter = new RedisRateLimiter(_redis,
            Options.Create(new RedisRateLimiterOptions { MaxPermits = 1, KeyPrefix = "cl:" }),
            distributed: Options.Create(new DistributedOptions
            {
                RateLimitTimeout = TimeSpan.FromSeconds(2), RateLimitBreak = TimeSpan.FromSeconds(30),
            }));
        var onLive = SubjectOn(rule, node: 0);
        var onDead = SubjectOn(rule, node: 1);
        Assert.True((await limiter.AcquireAsync(rule, onLive, CancellationToken.None)).Allowed);
        Assert.True((await limiter.AcquireAsync(rule, onDead, CancellationToken.None)).Allowed);

        await _cluster.KillAsync(1);
        await Assert.ThrowsAsync<RateLimitStoreUnavailableException>(() => limiter.AcquireAsync(rule, onDead, CancellationToken.None).AsTask());
        // Its node's breaker is open: refused at once, not after another bound (2 s: wide of the 1 s allowed below, so a
        // loaded machine cannot blur the two).
        var clock = Stopwatch.StartNew();
        await Assert.ThrowsAsync<RateLimitStoreUnavailableException>(() => limiter.AcquireAsync(rule, onDead, CancellationToken.None).AsTask());
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"refused after {clock.Elapsed}");

        // The live master's subjects are served, again and again, and new subjects on it too.
        for (var i = 0; i < 5; i++)
        {
            Assert.True((await limiter.AcquireAsync(rule, onLive, CancellationToken.None)).Allowed);
        }

        Assert.True((await limiter.AcquireAsync(rule, SubjectOn(rule, node: 0, after: onLive), CancellationToken.None)).Allowed);
    }

    /// <summary>A subject whose rule key lives on the given node (by the test cluster's even split of the slots).</summary>
    private string SubjectOn(RateLimitRule rule, int node, string? after = null)
    {
        for (var i = 0; ; i++)
        {
            var subject = "u" + i;
            if (subject != after && _cluster.OwnerOf(_redis.HashSlot(RedisRateLimiter.Key("cl:", rule.Name, subject))) == node)
            {
                return subject;
            }
        }
    }
}
