using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FlashSale.Operations;
using FlashSale.Storage.Redis;
using FlashSale.Tests.Admin;
using FlashSale.Tests.Conformance;
using FlashSale.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace FlashSale.Tests.Distributed;

/// <summary>
/// G6 across instances, before the first comparison of clocks: an instance whose clock has not been compared with Redis's
/// yet (ClockSkewWatch) is not trusted with sale windows. Until 2026-12-07 it counted as in step until its first
/// measurement came (milliseconds after start, longer with Redis slow or away), and an instance 90 s off sold meanwhile.
/// </summary>
public sealed class ClockUncheckedTests
{
    [Fact]
    public async Task AnInstanceWhoseClockIsNotComparedYet_RefusesPurchasesAndSaleChanges_IsUnready_AndSellsOnceCompared()
    {
        await using var first = new TestApp(kind: StorageKind.Redis);
        var logs = new ErrorLog(LogLevel.Warning, 6003);
        await using var second = new TestApp(storage: first.Storage, services: s =>
        {
            HoldBackTheWatch(s);
            s.AddSingleton<ILoggerProvider>(logs);
        });

        var admin = await Api.AsAdminAsync(first.CreateClient());
        var sale = (await admin.CreateSaleAsync(stock: 5)).Id();
        var buyers = await admin.MintBuyersAsync(2);
        var onSecond = await Api.AsAdminAsync(second.CreateClient());

        using (var refused = await onSecond.WithToken(buyers[0].Token).PurchaseAsync(sale))
        {
            // 201 before the fix: the clock counted as in step until measured.
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            Assert.NotNull(refused.Headers.RetryAfter);
            var detail = await Api.DetailAsync(refused);
            Assert.Contains("not yet compared", detail, StringComparison.Ordinal);
            Assert.Contains("nothing was bought", detail, StringComparison.Ordinal);
        }

        Assert.False(second.Services.GetRequiredService<ClockSkewWatch>().InStep);
        // Nothing to export yet: a 0 would read as "in step" (until 2026-12-07 it did).
        Assert.Null(ReconcileConformance.GaugeValue(second, "flashsale.clock.skew"));

        using (var keyed = await onSecond.WithToken(buyers[1].Token).PurchaseAsync(sale, key: "unchecked"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, keyed.StatusCode);
            Assert.True((await keyed.Content.ReadFromJsonAsync<JsonObject>())!["outcomeUnknown"]!.GetValue<bool>());
        }

        using (var end = await onSecond.PostEmptyAsync($"/api/v1/admin/sales/{sale}/end"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, end.StatusCode);
            Assert.NotNull(end.Headers.RetryAfter);
        }

        using (var ready = await second.CreateClient().GetAsync("/health/ready"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
            Assert.Contains("clock: unavailable", await ready.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        // The reason, for the operator: not "off", not compared yet.
        Assert.Contains(logs.Entries, l => l.Contains("has not been compared with Redis's yet", StringComparison.Ordinal));
        Assert.Equal(5, (await admin.StockAsync(sale))["remainingStock"]!.GetValue<int>());
        Assert.Equal("active", (await admin.GetJsonAsync($"/api/v1/sales/{sale}"))["status"]!.GetValue<string>());

        // Compared, and found in step: it sells, and is ready.
        await second.Services.GetRequiredService<ClockSkewWatch>().CheckOnceAsync();
        await onSecond.WithToken(buyers[1].Token).BoughtAsync(sale, key: "unchecked");
        Assert.InRange(ReconcileConformance.GaugeValue(second, "flashsale.clock.skew")!.Value, -1, 1);
        // Readiness shares a result for 250 ms: the next one says so.
        await SceneSteps.UntilAsync(async () =>
        {
            using var ready = await second.CreateClient().GetAsync("/health/ready");
            return ready.StatusCode == HttpStatusCode.OK;
        }, withinSeconds: 5);

        Assert.Equal(4, (await admin.StockAsync(sale))["remainingStock"]!.GetValue<int>());
    }

    [Fact]
    public async Task TheStart_WaitsForTheFirstMeasurement_SoAHealthyInstanceTakesTrafficChecked()
    {
        await using var proxy = RedisProxy();
        using var redis = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{proxy.Port}");
        // Waits and bounds far from the test's 300 ms hold, so that a loaded machine cannot make the hold's measurement
        // come too late or count as inconclusive: what is asserted is that the start waits for it.
        var watch = new ClockSkewWatch(redis, TimeProvider.System,
            Options.Create(new DistributedOptions { MaxClockSkew = TimeSpan.FromSeconds(30), ClockCheckInterval = TimeSpan.FromHours(1) }),
            NullLogger<ClockSkewWatch>.Instance) { FirstCheckWait = TimeSpan.FromSeconds(60) };

        // Its TIME held a moment, as by a slow Redis.
        var held = proxy.StallAtAsync("TIME");
        var start = watch.StartAsync(CancellationToken.None);
        await held;
        await Task.Delay(300);
        Assert.False(start.IsCompleted, "the start went on before the clock was compared");
        proxy.Resume();
        await start;
        try
        {
            Assert.True(watch.InStep, "started with the clock not yet compared");
        }
        finally
        {
            await watch.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task TheStart_WaitsForTheFirstMeasurementAtMostFirstCheckWait_ThenRefusesUntilItComes()
    {
        await using var proxy = RedisProxy();
        using var redis = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{proxy.Port}");
        var watch = Watch(redis);

        var held = proxy.StallAtAsync("TIME");
        var starting = Stopwatch.StartNew();
        var start = watch.StartAsync(CancellationToken.None);
        await held;
        await start;
        try
        {
            Assert.True(starting.Elapsed < watch.FirstCheckWait + TimeSpan.FromSeconds(2), $"the start waited {starting.Elapsed.TotalSeconds:F1} s");
            Assert.False(watch.InStep);
            var unready = await Assert.ThrowsAsync<InvalidOperationException>(() => ((IStoreProbe)watch).CheckAsync(CancellationToken.None));
            Assert.Contains("not been compared", unready.Message, StringComparison.Ordinal);

            proxy.Resume();
            await SceneSteps.UntilAsync(() => Task.FromResult(watch.InStep), withinSeconds: 20);
        }
        finally
        {
            await watch.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task RedisUnreachableAtStart_TheStartGoesOn_TheClockIsNotInStep_UntilRedisAnswers()
    {
        await using var proxy = RedisProxy();
        proxy.Cut();
        using var redis = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{proxy.Port},abortConnect=false,connectTimeout=500");
        var watch = Watch(redis);

        var starting = Stopwatch.StartNew();
        await watch.StartAsync(CancellationToken.None);
        try
        {
            Assert.True(starting.Elapsed < watch.FirstCheckWait + TimeSpan.FromSeconds(2), $"the start waited {starting.Elapsed.TotalSeconds:F1} s");
            Assert.False(watch.InStep);
            await Assert.ThrowsAsync<InvalidOperationException>(() => ((IStoreProbe)watch).CheckAsync(CancellationToken.None));

            // The interval is an hour: only the watch's retries while unchecked can measure within the test.
            proxy.Start();
            await SceneSteps.UntilAsync(() => Task.FromResult(watch.InStep), withinSeconds: 20);
            await ((IStoreProbe)watch).CheckAsync(CancellationToken.None);
        }
        finally
        {
            await watch.StopAsync(CancellationToken.None);
        }
    }

    private static TcpProxy RedisProxy()
    {
        var address = Environment.GetEnvironmentVariable("FLASHSALE_TEST_REDIS")
            ?? throw new InvalidOperationException("FLASHSALE_TEST_REDIS is not set: eval \"$(scripts/services.sh env)\".");
        var colon = address.LastIndexOf(':');
        return new TcpProxy(address[..colon], int.Parse(address[(colon + 1)..], CultureInfo.InvariantCulture));
    }

    /// <summary>The watch as the server has it (1 s bound), measuring every hour once it has a verdict.</summary>
    private static ClockSkewWatch Watch(IConnectionMultiplexer redis) => new(redis, TimeProvider.System,
        Options.Create(new DistributedOptions { MaxClockSkew = TimeSpan.FromSeconds(1), ClockCheckInterval = TimeSpan.FromHours(1) }),
        NullLogger<ClockSkewWatch>.Instance);

    /// <summary>
    /// The watch's hosted service swapped for one that does nothing: its first measurement never comes, as with a TIME
    /// that Redis does not answer while the ledger's commands go through.
    /// </summary>
    private static void HoldBackTheWatch(IServiceCollection services)
    {
        for (var i = 0; i < services.Count; i++)
        {
            if (services[i] is { IsKeyedService: false, ImplementationFactory: { } make } d && d.ServiceType == typeof(IHostedService))
            {
                services[i] = ServiceDescriptor.Singleton<IHostedService>(sp => make(sp) is var made && made is ClockSkewWatch ? new Idle() : (IHostedService)made);
            }
        }
    }

    private sealed class Idle : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
