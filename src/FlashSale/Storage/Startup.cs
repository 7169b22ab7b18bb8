using FlashSale.Accounts;
using FlashSale.Purchasing;
using FlashSale.Sales;
using Microsoft.Extensions.Options;

namespace FlashSale.Storage;

/// <summary>What runs once before the server takes traffic: schema, ledger rebuild, demo data, admin account.</summary>
public static partial class Startup
{
    public static async Task PrepareAsync(IServiceProvider services, CancellationToken ct)
    {
        var initializer = services.GetRequiredService<IStoreInitializer>();
        await initializer.MigrateAsync(ct);
        await initializer.LoadAsync(ct);

        if (services.GetRequiredService<IOptions<StorageOptions>>().Value.SeedDemoData)
        {
            await DemoSales.SeedIfEmptyAsync(services.GetRequiredService<ISaleStore>(),
                services.GetRequiredService<IPurchaseLedger>(), services.GetRequiredService<TimeProvider>(), ct);
        }

        await AdminAccount.EnsureAsync(services, ct);
    }
}
