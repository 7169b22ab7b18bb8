using System.Diagnostics;
using FlashSale.Storage.Redis;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace FlashSale.Tests.Infrastructure;

/// <summary>
/// The server for one test class: its own storage (<see cref="TestStorage"/>: a fresh data folder,
/// and for the distributed kinds its own PostgreSQL database and Redis namespace), a known admin
/// password, synthetic buyers on. <c>realSocket</c> serves on a free port for tests that need
/// real HTTP (concurrency, browsers, the drill). Pass <c>storage</c> to start a second server on
/// the same storage (a restart); the app then leaves it to its owner.
/// </summary>
public sealed class TestApp : WebApplicationFactory<Program>
{
    public const string AdminPassword = ServerProcess.AdminPassword;

    private readonly Dictionary<string, string?> _settings;
    private readonly bool _ownsStorage;
    private readonly Action<IServiceCollection>? _services;

    public TestApp(bool realSocket = false, TimeProvider? clock = null, IDictionary<string, string?>? settings = null,
        StorageKind kind = StorageKind.Embedded, TestStorage? storage = null, Action<IServiceCollection>? services = null)
    {
        _ownsStorage = storage is null;
        _services = services;
        Storage = storage ?? TestStorage.Create(kind);
        DataPath = Storage.DataPath;
        Clock = clock;
        _settings = new Dictionary<string, string?>(Storage.Settings())
        {
            ["Storage:SeedDemoData"] = "false",
            ["Admin:Password"] = AdminPassword,
            ["Auth:SyntheticBuyers:Enabled"] = "true",
            // The rate limiter's Redis bound (250 ms) is for a stalled Redis; a test process starting several servers on a
            // busy host starves its thread pool past it (answers seen 1.5-2.7 s late) and would be refused 503. Tests of the
            // bound set their own (RateLimiterStallTests).
            ["Distributed:RateLimitTimeout"] = "00:00:05",
            // Suites register more buyers from 127.0.0.1 than an address may in an hour; RateLimitHttpTests.Registrations_… has the rule.
            ["RateLimiting:Rules:register-per-ip:PermitLimit"] = "1000000",
        };
        if (clock is not null)
        {
            // A test's clock is not Redis's (frozen, or set elsewhere): distributed mode would call it out of step and refuse
            // purchases (ClockSkewWatch). ClockSkewTests turn the check on with a clock of their own.
            _settings["Distributed:MaxClockSkew"] = "00:00:00";
        }

        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            _settings[key] = value;
        }

        RealSocket = realSocket;
        if (realSocket)
        {
            UseKestrel(0);
        }
    }

    /// <summary>Served by Kestrel on a port (the factory's clients then go through a plain HttpClientHandler).</summary>
    public bool RealSocket { get; }

    public string DataPath { get; }

    public TestStorage Storage { get; }

    public TimeProvider? Clock { get; }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        if (Clock is not null)
        {
            builder.ConfigureServices(services => services.Replace(ServiceDescriptor.Singleton<TimeProvider>(Clock)));
        }

        if (_services is not null)
        {
            builder.ConfigureServices(_services);
        }
    }

    /// <summary>
    /// Distributed, the instance refuses purchases and sale changes until its clock has been compared with Redis's
    /// (ClockSkewWatch fails closed). Its start waits up to a second for that; a test process starting several servers on
    /// a busy host can take longer, and a test's first request would be refused 503. So the app is handed out once the
    /// watch says in step, or after 10 s (a test whose Redis is away at start gets the instance as it is). Not with a
    /// test's own clock (the check is off, or a clock test wants it off step), nor when a test holds the watch back.
    /// </summary>
    protected override IHost CreateHost(IHostBuilder builder)
    {
        var host = base.CreateHost(builder);
        if (Clock is null && host.Services.GetService<ClockSkewWatch>() is { Enabled: true } watch
            && host.Services.GetServices<IHostedService>().Contains(watch))
        {
            var waited = Stopwatch.StartNew();
            while (!watch.InStep && waited.Elapsed < TimeSpan.FromSeconds(10))
            {
                Thread.Sleep(20);
            }
        }

        return host;
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (_ownsStorage)
        {
            await Storage.DisposeAsync();
        }
    }
}
