using FlashSale.Accounts;
using FlashSale.Orders;
using FlashSale.Purchasing;
using FlashSale.Sales;
using FlashSale.Storage.Postgres;
using Npgsql;
using StackExchange.Redis;

namespace FlashSale.Storage.Redis;

public static class DistributedStorageSetup
{
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

        services.AddOptions<DistributedOptions>().BindConfiguration(DistributedOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(_ => NpgsqlDataSource.Create(postgres));
        services.AddSingleton<IConnectionMultiplexer>(_ => ConnectionMultiplexer.Connect(RedisConfiguration(redisConfig)));
        services.AddSingleton<ISaleStore, PostgresSaleStore>();
        services.AddSingleton<IOrderStore, PostgresOrderStore>();
        services.AddSingleton<IAccountStore, PostgresAccountStore>();
        services.AddSingleton<PostgresOrderRecord>();
        services.AddSingleton<LedgerScripts>();
        services.AddSingleton<RecordHealth>();
        services.AddSingleton<CommitWaiters>();
        services.AddSingleton<SaleStateBuilder>();
        services.AddSingleton<OutboxPersister>();
        services.AddHostedService(sp => sp.GetRequiredService<OutboxPersister>());
        services.AddSingleton<IPurchaseLedger, RedisLedger>();
        services.AddSingleton<IReconciler, DistributedReconciler>();
        services.AddSingleton<IStoreInitializer, DistributedStoreInitializer>();
        return services;
    }

    internal static ConfigurationOptions RedisConfiguration(string configuration)
    {
        var options = ConfigurationOptions.Parse(configuration);
        // Start and keep running without Redis (purchases answer 503 meanwhile), fail fast rather
        // than queue commands while disconnected, and come back quickly after a restart.
        options.AbortOnConnectFail = false;
        options.BacklogPolicy = BacklogPolicy.FailFast;
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
    ILogger<DistributedStoreInitializer> log) : IStoreInitializer
{
    public Task MigrateAsync(CancellationToken ct) => PostgresMigrations.ApplyAsync(db, log, ct);

    /// <summary>Rebuilds every sale missing in Redis; without Redis the server still starts and rebuilds lazily.</summary>
    public async Task LoadAsync(CancellationToken ct)
    {
        try
        {
            await scripts.LoadAsync(redis);
            foreach (var sale in await sales.ListAsync(ct))
            {
                await state.EnsureAsync(sale.Id, ct);
            }
        }
        catch (Exception ex) when (ex is RedisException or RedisTimeoutException)
        {
            LogRedisUnavailable(ex.Message);
        }
    }

    [LoggerMessage(EventId = 4002, Level = LogLevel.Warning, Message = "Redis unavailable at start ({Error}); sales are rebuilt when it answers")]
    private partial void LogRedisUnavailable(string error);
}
