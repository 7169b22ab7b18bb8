using FlashSale.Common;
using FlashSale.Accounts;
using FlashSale.Admin;
using FlashSale.Live;
using FlashSale.Operations;
using FlashSale.Orders;
using FlashSale.Purchasing;
using FlashSale.Sales;
using FlashSale.Storage.Postgres;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.StackExchangeRedis;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Npgsql;
using StackExchange.Redis;

namespace FlashSale.Storage.Redis;

public static class DistributedStorageSetup
{
    /// <summary>
    /// The configured connection string with two defaults a write-heavy service wants, each left alone when the
    /// string sets it: statements run often are prepared on their connection (<c>Max Auto Prepare</c>; the
    /// persister's batch insert is parsed and planned once, not per batch), and a connection going back to the
    /// pool is not reset (<c>No Reset On Close</c>; FlashSale sets no session state, and the reset is one more
    /// statement per use). Behind a pooler that cannot keep prepared statements, set <c>Max Auto Prepare=0</c>.
    /// </summary>
    internal static string PostgresConnectionString(string configured)
    {
        // The keys as written (the plain parser keeps them, case-insensitively; Npgsql's would answer for every key it knows).
        var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = configured };
        var builder = new NpgsqlConnectionStringBuilder(configured);
        if (!given.ContainsKey("Max Auto Prepare") && !given.ContainsKey("MaxAutoPrepare"))
        {
            builder.MaxAutoPrepare = 32;
        }

        if (!given.ContainsKey("No Reset On Close") && !given.ContainsKey("NoResetOnClose"))
        {
            builder.NoResetOnClose = true;
        }

        return builder.ConnectionString;
    }

    /// <summary>
    /// The listener's own session (LISTEN is session state): the configured string, outside the pool, and a ping that
    /// times out breaks the connection at once instead of waiting for PostgreSQL to confirm the cancel.
    /// </summary>
    internal static string SaleChangeListenerConnectionString(string configured) =>
        new NpgsqlConnectionStringBuilder(configured) { Pooling = false, CancellationTimeout = -1 }.ConnectionString;

    /// <summary>N instances: Redis decides (Lua), PostgreSQL records (persister), from <c>ConnectionStrings:Redis</c> and <c>:Postgres</c>.</summary>
    public static IServiceCollection AddDistributedStorage(this IServiceCollection services, IConfiguration configuration)
    {
        var redisConfig = configuration.GetConnectionString("Redis");
        var postgres = configuration.GetConnectionString("Postgres");
        if (string.IsNullOrWhiteSpace(redisConfig) || string.IsNullOrWhiteSpace(postgres))
        {
            throw new InvalidOperationException(
                "Storage:Mode=Distributed needs ConnectionStrings:Redis (host:port[,host:port…]) and ConnectionStrings:Postgres.");
        }

        services.AddOptions<DistributedOptions>().BindConfiguration(DistributedOptions.Section).ValidateSettings(DistributedOptions.Section).ValidateOnStart();
        services.AddSingleton(_ => NpgsqlDataSource.Create(PostgresConnectionString(postgres)));
        services.AddSingleton<IConnectionMultiplexer>(_ => ConnectionMultiplexer.Connect(RedisConfiguration(redisConfig)));
        services.AddSingleton(sp => new PostgresRequests(sp.GetRequiredService<NpgsqlDataSource>(), sp.GetRequiredService<RecordHealth>(),
            sp.GetRequiredService<IOptions<DistributedOptions>>().Value.RequestCommandTimeout, sp.GetRequiredService<ILogger<PostgresRequests>>()));
        // Sales read by buyers are remembered while PostgreSQL's notices of every write reach this instance.
        services.AddSingleton(sp => new SaleChangeListener(SaleChangeListenerConnectionString(postgres),
            sp.GetRequiredService<IOptions<DistributedOptions>>().Value.RememberSales, sp.GetRequiredService<ILogger<SaleChangeListener>>()));
        services.AddHostedService(sp => sp.GetRequiredService<SaleChangeListener>());
        services.AddSingleton<ISaleStore, PostgresSaleStore>();
        services.AddSingleton<IOrderStore, PostgresOrderStore>();
        services.AddSingleton<IStatsStore, PostgresStatsStore>();
        services.AddSingleton<IAccountStore, PostgresAccountStore>();
        services.AddSingleton<PostgresOrderRecord>();
        services.AddSingleton<PostgresEndedSales>();
        services.AddSingleton<LedgerScripts>();
        services.AddSingleton<RecordHealth>();
        services.AddSingleton<CommitWaiters>();
        services.AddSingleton<FailoverWatch>();
        services.AddSingleton<PendingReplication>();
        services.AddSingleton<SaleStateBuilder>();
        services.AddSingleton<OutboxPersister>();
        services.AddHostedService(sp => sp.GetRequiredService<OutboxPersister>());
        services.AddSingleton<IPurchaseLedger, RedisLedger>();
        // Ended sales' Redis state dropped once recorded: Redis does not grow with every sale ever run.
        services.AddSingleton<SaleRetirement>();
        services.AddHostedService(sp => sp.GetRequiredService<SaleRetirement>());
        services.AddSingleton<IStoreInitializer, DistributedStoreInitializer>();
        // Admin changes one at a time across the instances, not only within each.
        services.AddSingleton<IAdminChangeLock, PostgresAdminChangeLock>();

        // Readiness follows both stores; the outbox lag is a gauge.
        services.AddSingleton<IStoreProbe, RedisProbe>();
        services.AddSingleton<IStoreProbe, PostgresProbe>();
        // Sale windows are decided on each instance's clock: one out of step with Redis's stops deciding them.
        services.AddSingleton<ClockSkewWatch>();
        services.AddSingleton<IClockCheck>(sp => sp.GetRequiredService<ClockSkewWatch>());
        services.AddSingleton<IStoreProbe>(sp => sp.GetRequiredService<ClockSkewWatch>());
        services.AddHostedService(sp => sp.GetRequiredService<ClockSkewWatch>());
        services.AddSingleton<OutboxLagMonitor>();
        services.AddSingleton<IOutboxLag>(sp => sp.GetRequiredService<OutboxLagMonitor>());
        services.AddHostedService(sp => sp.GetRequiredService<OutboxLagMonitor>());

        // Live feed across instances: a ledger change on any instance pokes every instance's hub.
        services.AddSingleton<RedisStockRelay>();
        services.Replace(ServiceDescriptor.Singleton<IStockNotifier>(sp => sp.GetRequiredService<RedisStockRelay>()));
        services.AddHostedService(sp => sp.GetRequiredService<RedisStockRelay>());

        // Rate limits counted in Redis, shared by all instances, under this deployment's namespace.
        var ns = configuration[$"{DistributedOptions.Section}:{nameof(DistributedOptions.Namespace)}"] ?? new DistributedOptions().Namespace;
        services.AddOptions<RedisRateLimiterOptions>().Bind(configuration.GetSection(RedisRateLimiterOptions.LeasesSection))
            .Configure(o => o.KeyPrefix = ns + ":").ValidateSettings(RedisRateLimiterOptions.LeasesSection).ValidateOnStart();
        services.AddRedisRateLimiter();

        // Cookie and antiforgery keys shared by all instances: a cookie issued by one is read by every other.
        services.AddDataProtection().SetApplicationName("FlashSale");
        services.AddOptions<KeyManagementOptions>().Configure<IConnectionMultiplexer>((o, redis) =>
            o.XmlRepository = new RedisXmlRepository(() => redis.GetDatabase(), $"{ns}:dataprotection-keys"));
        return services;
    }

    internal static ConfigurationOptions RedisConfiguration(string configuration)
    {
        var options = ConfigurationOptions.Parse(configuration);
        // Start and keep running without Redis (purchases answer 503 meanwhile), fail fast rather
        // than queue commands while disconnected, and come back quickly after a restart.
        options.AbortOnConnectFail = false;
        options.BacklogPolicy = BacklogPolicy.FailFast;
        // Replies are read and completed on the .NET thread pool, not on StackExchange.Redis's own
        // ten-thread pool: every await on Redis here is asynchronous (the dedicated pool guards apps
        // that block pool threads on Redis), and a reply then wakes one thread instead of two. One
        // core: context switches halved, distributed purchases +5-20% (docs/benchmarks.md).
        options.SocketManager = SocketManager.ThreadPool;

        // Timeouts bound a hung Redis, not a dead one (FailFast answers that at once): generous
        // enough for a CPU-starved host, overridable in the connection string.
        if (!configuration.Contains("connectTimeout", StringComparison.OrdinalIgnoreCase))
        {
            options.ConnectTimeout = 2000;
        }

        if (!configuration.Contains("asyncTimeout", StringComparison.OrdinalIgnoreCase))
        {
            options.AsyncTimeout = 5000;
            options.SyncTimeout = 5000;
        }
        options.ReconnectRetryPolicy = new LinearRetry(500);
        return options;
    }
}

internal sealed partial class DistributedStoreInitializer(
    NpgsqlDataSource db,
    IConnectionMultiplexer redis,
    LedgerScripts scripts,
    SaleStateBuilder state,
    ISaleStore sales,
    IAdminChangeLock changing,
    FailoverWatch failover,
    ILogger<DistributedStoreInitializer> log) : IStoreInitializer
{
    /// <summary>Sales given the record's terms per hold of the admin lock: an admin's change waits for one chunk, not all.</summary>
    private const int TermsPerLockHold = 64;

    public Task MigrateAsync(CancellationToken ct) => PostgresMigrations.ApplyAsync(db, log, ct);

    /// <summary>
    /// Rebuilds every sale missing in Redis, then gives every sale the record's terms; without Redis the server still
    /// starts and rebuilds lazily.
    /// </summary>
    public async Task LoadAsync(CancellationToken ct)
    {
        try
        {
            await scripts.LoadAsync(redis);
            await failover.CheckMastersAtStartAsync(redis);
            var ids = (await sales.ListAsync(ct)).Select(s => s.Id).ToList();
            foreach (var id in ids)
            {
                await state.EnsureAsync(id, ct);
            }

            await ApplyRecordedTermsAsync(ids, ct);
        }
        catch (Exception ex) when (RedisFailure.Is(ex))
        {
            LogRedisUnavailable(ex.Message);
        }
    }

    /// <summary>
    /// State that exists is given the record's terms, as an admin's change applies them (<c>sale.lua</c>: the terms, and
    /// stock following the total minus what is sold; buyers, keys and the outbox untouched, so it is safe while other
    /// instances sell). A sale an admin change left shut, closed or withdrawn because the record could not be read
    /// back after a failed write (<c>SaleCommands</c>) opens again here on the record's terms; until 2026-12-06 only
    /// missing state was rebuilt, and such a sale refused every purchase as not started after every start. Under the
    /// admin lock, each sale read from the record there: terms read before another instance's change and applied after
    /// its ledger step would undo it (an end re-opened until its last step, G6).
    /// </summary>
    private async Task ApplyRecordedTermsAsync(IReadOnlyList<Guid> ids, CancellationToken ct)
    {
        foreach (var chunk in ids.Chunk(TermsPerLockHold))
        {
            await using var held = await changing.AcquireAsync(ct);
            foreach (var id in chunk)
            {
                if (await sales.FindLatestAsync(id, ct) is { } recorded)
                {
                    await state.SaleChangedAsync(recorded, ct);
                }
            }
        }
    }

    [LoggerMessage(EventId = 4002, Level = LogLevel.Warning, Message = "Redis unavailable at start ({Error}); sales are rebuilt when it answers")]
    private partial void LogRedisUnavailable(string error);
}
