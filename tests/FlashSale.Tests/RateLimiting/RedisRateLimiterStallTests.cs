using System.Diagnostics;
using FlashSale.RateLimiting;
using FlashSale.Storage.Redis;
using FlashSale.Tests.Infrastructure;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace FlashSale.Tests.RateLimiting;

/// <summary>
/// The limiter's Redis stalls (reachable, not answering: a SIGSTOPped server, here a <see cref="TcpProxy"/> that stops
/// moving bytes; the shared Redis behind it stays up). A request is refused within the limiter's own bound, not the
/// connection's 5 s; a circuit breaker then refuses at once until Redis answers again; and a count Redis made for a
/// request that stopped waiting is given back, not lost.
/// </summary>
public sealed class RedisRateLimiterStallTests : IAsyncLifetime
{
    // The limiter's bound on a call, wide enough that a loaded machine (CI runs three test assemblies on two cores)
    // does not pass it on a call to a Redis that answers; a stalled one always does.
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(1);
    private TcpProxy _proxy = null!;
    private ConnectionMultiplexer _viaProxy = null!;
    private ConnectionMultiplexer _direct = null!;

    public async Task InitializeAsync()
    {
        var address = Environment.GetEnvironmentVariable("FLASHSALE_TEST_REDIS")
            ?? throw new InvalidOperationException("FLASHSALE_TEST_REDIS is not set: eval \"$(scripts/services.sh env)\".");
        var (host, port) = (address[..address.LastIndexOf(':')], int.Parse(address[(address.LastIndexOf(':') + 1)..], System.Globalization.CultureInfo.InvariantCulture));
        _proxy = new TcpProxy(host, port);
        // The connection's own timeouts as the server sets them (5 s): the limiter's bound must answer first.
        _viaProxy = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{_proxy.Port},asyncTimeout=5000,syncTimeout=5000");
        _direct = await ConnectionMultiplexer.ConnectAsync(address);
    }

    public async Task DisposeAsync()
    {
        await _proxy.DisposeAsync();
        await _viaProxy.DisposeAsync();
        await _direct.DisposeAsync();
    }

    private RedisRateLimiter Limiter(TimeSpan breakFor) => new(_viaProxy,
        Options.Create(new RedisRateLimiterOptions { MaxPermits = 1, KeyPrefix = "stall:" }),
        distributed: Options.Create(new DistributedOptions { RateLimitTimeout = Bound, RateLimitBreak = breakFor }));

    private static string UniqueName() => "t" + Guid.NewGuid().ToString("N")[..12];

    [Fact]
    public async Task AStalledRedis_IsRefusedWithinTheBound_ThenAtOnceWhileTheBreakerIsOpen_ThenServedAgain()
    {
        var rule = new RateLimitRule(UniqueName(), PermitLimit: 1000, Window: TimeSpan.FromMinutes(1));
        // The break outlasts the ten refusals below, so no probe (which would wait the bound) falls among them.
        using var limiter = Limiter(breakFor: TimeSpan.FromSeconds(6));
        Assert.True((await limiter.AcquireAsync(rule, "s", CancellationToken.None)).Allowed);

        _proxy.Stall();
        var clock = Stopwatch.StartNew();
        await Assert.ThrowsAsync<RateLimitStoreUnavailableException>(() => limiter.AcquireAsync(rule, "s", CancellationToken.None).AsTask());
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3), $"refused after {clock.Elapsed}: the connection's 5 s, not the limiter's bound");

        // The breaker is open: ten requests do not wait the bound (1 s) each on the stalled Redis.
        clock.Restart();
        for (var i = 0; i < 10; i++)
        {
            await Assert.ThrowsAsync<RateLimitStoreUnavailableException>(() => limiter.AcquireAsync(rule, "s", CancellationToken.None).AsTask());
        }

        Assert.True(clock.Elapsed < 10 * Bound / 2, $"ten requests took {clock.Elapsed} with the breaker open: they waited on Redis");

        // Redis answers again: once the breaker lets a probe through, requests are served.
        _proxy.Resume();
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            string last;
            try
            {
                var decision = await limiter.AcquireAsync(rule, "s", CancellationToken.None);
                if (decision.Allowed)
                {
                    break;
                }

                last = $"refused, retry after {decision.RetryAfter}";
            }
            catch (RateLimitStoreUnavailableException ex)
            {
                last = "503: " + ex.Message;
            }

            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(20), $"not served again within 20 s of Redis answering (the last request: {last})");
            await Task.Delay(100);
        }

        // Closed, not probing one request at a time: a burst goes through whole.
        var burst = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => limiter.AcquireAsync(rule, "s", CancellationToken.None).AsTask()));
        Assert.All(burst, d => Assert.True(d.Allowed));
    }

    [Fact]
    public async Task ACountRedisMadeAfterTheRequestStoppedWaiting_IsGivenBack()
    {
        var rule = new RateLimitRule(UniqueName(), PermitLimit: 3, Window: TimeSpan.FromMinutes(1));
        using var limiter = Limiter(breakFor: TimeSpan.FromMilliseconds(50));
        var key = RedisRateLimiter.Key("stall:", rule.Name, "s");

        // The script is held in the proxy past the bound: the request is refused 503 (nothing counted, as far as it
        // knows). Let through, Redis counts one permit for it and answers late.
        _proxy.Stall();
        await Assert.ThrowsAsync<RateLimitStoreUnavailableException>(() => limiter.AcquireAsync(rule, "s", CancellationToken.None).AsTask());
        _proxy.Resume();

        // The late grant is given back: the count is back to zero once the script has run.
        var deadline = Stopwatch.StartNew();
        while (!(await _direct.GetDatabase().KeyExistsAsync(key) && (long)await _direct.GetDatabase().HashGetAsync(key, "c") == 0))
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(5),
                $"the late grant was never given back: c = {await _direct.GetDatabase().HashGetAsync(key, "c")}");
            await Task.Delay(50);
        }

        // So the subject has its whole budget: a lost grant would refuse the third request.
        await Task.Delay(100);
        for (var i = 0; i < 3; i++)
        {
            Assert.True((await limiter.AcquireAsync(rule, "s", CancellationToken.None)).Allowed, $"request {i + 1} of 3 refused");
        }

        Assert.False((await limiter.AcquireAsync(rule, "s", CancellationToken.None)).Allowed);
    }
}
