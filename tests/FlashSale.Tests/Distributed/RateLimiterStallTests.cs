using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using FlashSale.Tests.Infrastructure;

namespace FlashSale.Tests.Distributed;

/// <summary>
/// An instance whose Redis stalls (reachable, not answering: a SIGSTOPped server, here a <see cref="TcpProxy"/> that
/// stops moving bytes) answered every request that had to ask the rate limiter after the connection's 5 s timeout,
/// and under a flood held them all. Now: 503 with Retry-After within the limiter's bound, at once while its breaker is
/// open, and served again once Redis answers.
/// </summary>
public sealed class RateLimiterStallTests : IAsyncLifetime
{
    private readonly TestStorage _storage = TestStorage.Create(StorageKind.Redis);
    private TcpProxy _proxy = null!;
    private TestApp _app = null!;

    public Task InitializeAsync()
    {
        var address = _storage.RedisConfiguration;
        var colon = address.LastIndexOf(':');
        _proxy = new TcpProxy(address[..colon], int.Parse(address[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture));
        _app = new TestApp(realSocket: true, storage: _storage, settings: new Dictionary<string, string?>
        {
            ["ConnectionStrings:Redis"] = $"127.0.0.1:{_proxy.Port}",
            // Every request asks Redis (no leased permits to spend): each one needs the limiter's store.
            ["RateLimiting:Leases:MaxPermits"] = "1",
            // Wide apart so that a loaded machine (CI runs three test assemblies on two cores) cannot blur them: a call
            // that waits on Redis takes the whole 1.5 s; one refused by the open breaker answers in well under 1 s. The
            // break outlasts the burst below, so no probe (which would wait the 1.5 s) falls inside it.
            ["Distributed:RateLimitTimeout"] = "00:00:01.500",
            ["Distributed:RateLimitBreak"] = "00:00:06",
        });
        _app.StartServer();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _proxy.DisposeAsync();
        await _app.DisposeAsync();
        await _storage.DisposeAsync();
    }

    [Fact]
    public async Task AStalledRedis_Is503WithinTheBound_ThenAtOnce_ThenServedAgain()
    {
        var http = _app.CreateClient();
        using (var warm = await http.GetAsync("/api/v1/sales"))
        {
            Assert.Equal(HttpStatusCode.OK, warm.StatusCode);
        }

        _proxy.Stall();
        var clock = Stopwatch.StartNew();
        using (var first = await http.GetAsync("/api/v1/sales"))
        {
            var elapsed = clock.Elapsed;
            Assert.Equal(HttpStatusCode.ServiceUnavailable, first.StatusCode);
            Assert.NotNull(first.Headers.RetryAfter);
            var problem = JsonNode.Parse(await first.Content.ReadAsStringAsync());
            Assert.Contains("Rate limiting is unavailable; nothing was changed", problem?["detail"]?.GetValue<string>() ?? "", StringComparison.Ordinal);
            Assert.True(elapsed < TimeSpan.FromSeconds(4), $"answered after {elapsed}: the connection's 5 s timeout, not the limiter's bound");
        }

        // The breaker is open: a burst is refused without waiting on Redis (each would wait 1.5 s, or 5 s before).
        clock.Restart();
        var burst = await Task.WhenAll(Enumerable.Range(0, 10).Select(async _ =>
        {
            var started = Stopwatch.StartNew();
            using var response = await http.GetAsync("/api/v1/sales");
            return (response.StatusCode, RetryAfter: response.Headers.RetryAfter is not null, started.Elapsed);
        }));
        Assert.All(burst, r => Assert.Equal(HttpStatusCode.ServiceUnavailable, r.StatusCode));
        Assert.All(burst, r => Assert.True(r.RetryAfter));
        Assert.All(burst, r => Assert.True(r.Elapsed < TimeSpan.FromSeconds(1), $"a request of the burst took {r.Elapsed} with the breaker open"));
        for (var i = 0; i < 5; i++)
        {
            var started = Stopwatch.StartNew();
            using var response = await http.GetAsync("/api/v1/sales");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.True(started.Elapsed < TimeSpan.FromSeconds(1), $"a request took {started.Elapsed} with the breaker open");
        }

        // Redis answers again: the breaker's probe closes it and requests are served.
        _proxy.Resume();
        var deadline = Stopwatch.StartNew();
        HttpStatusCode status;
        do
        {
            await Task.Delay(200);
            using var response = await http.GetAsync("/api/v1/sales");
            status = response.StatusCode;
        }
        while (status != HttpStatusCode.OK && deadline.Elapsed < TimeSpan.FromSeconds(20));

        Assert.Equal(HttpStatusCode.OK, status);
        // Closed, not letting one probe through at a time: a burst is served whole.
        var served = await Task.WhenAll(Enumerable.Range(0, 10).Select(async _ =>
        {
            using var response = await http.GetAsync("/api/v1/sales");
            return response.StatusCode;
        }));
        Assert.All(served, s => Assert.Equal(HttpStatusCode.OK, s));
    }
}
