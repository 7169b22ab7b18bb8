using FlashSale.Accounts;
using FlashSale.Admin;
using FlashSale.Orders;
using FlashSale.Purchasing;
using FlashSale.Sales;

namespace FlashSale.Storage.Embedded;

public static class EmbeddedStorageSetup
{
    /// <summary>The embedded default: SQLite record store, in-memory ledger with group commit.</summary>
    public static IServiceCollection AddEmbeddedStorage(this IServiceCollection services)
    {
        services.AddSingleton<SqliteDatabase>();
        services.AddSingleton<BuyerOrders>();
        services.AddSingleton<GroupCommitter>();
        services.AddSingleton<WriteGate>();
        services.AddHostedService(sp => sp.GetRequiredService<GroupCommitter>());
        services.AddSingleton<ISaleStore, SqliteSaleStore>();
        services.AddSingleton<IOrderStore, SqliteOrderStore>();
        services.AddSingleton<IAccountStore, SqliteAccountStore>();
        services.AddSingleton<IStatsStore, SqliteStatsStore>();
        services.AddSingleton<EmbeddedLedger>();
        services.AddSingleton<IPurchaseLedger>(sp => sp.GetRequiredService<EmbeddedLedger>());
        services.AddSingleton<IStoreInitializer, EmbeddedStoreInitializer>();
        services.AddSingleton<IAdminChangeLock, InProcessAdminChangeLock>();
        services.AddSingleton<Operations.IStoreProbe, SqliteProbe>();
        return services;
    }
}

internal sealed class EmbeddedStoreInitializer(SqliteDatabase db, EmbeddedLedger ledger) : IStoreInitializer
{
    public Task MigrateAsync(CancellationToken ct)
    {
        db.Migrate();
        return Task.CompletedTask;
    }

    public Task LoadAsync(CancellationToken ct)
    {
        ledger.Load();
        return Task.CompletedTask;
    }
}
