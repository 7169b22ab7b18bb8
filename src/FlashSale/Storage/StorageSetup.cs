using FlashSale.Common;
using FlashSale.Live;
using Microsoft.AspNetCore.DataProtection;
using FlashSale.Storage.Embedded;
using FlashSale.Storage.Redis;

namespace FlashSale.Storage;

public static class StorageSetup
{
    /// <summary>Chooses the store implementations from <c>Storage:Mode</c>: a configuration switch, not a fork.</summary>
    public static IServiceCollection AddFlashSaleStorage(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.Section).ValidateSettings(StorageOptions.Section).ValidateOnStart();
        services.AddOptions<LiveOptions>().BindConfiguration(LiveOptions.Section).ValidateSettings(LiveOptions.Section).ValidateOnStart();
        services.AddSingleton<SaleFeedHub>();
        services.AddSingleton<StreamQuota>();
        services.AddSingleton<IStockNotifier>(sp => sp.GetRequiredService<SaleFeedHub>());
        // A store down answers 503 + Retry-After wherever it surfaces, never a 500 (docs/reliability.md).
        services.AddExceptionHandler<StoreUnavailableExceptionHandler>();
        var mode = configuration.GetValue($"{StorageOptions.Section}:Mode", StorageMode.Embedded);
        return mode switch
        {
            StorageMode.Embedded => services.AddEmbeddedStorage(),
            StorageMode.Distributed => services.AddDistributedStorage(configuration),
            _ => throw new InvalidOperationException($"Storage:Mode '{mode}' is not available in this build."),
        };
    }

    /// <summary>
    /// Embedded: keys with the data, so a restart does not sign everyone out. Distributed: the storage
    /// setup already keeps them in Redis, shared by every instance.
    /// </summary>
    public static IServiceCollection AddFlashSaleDataProtection(this IServiceCollection services, IConfiguration configuration)
    {
        if (configuration.GetValue($"{StorageOptions.Section}:Mode", StorageMode.Embedded) != StorageMode.Distributed)
        {
            services.AddDataProtection().PersistKeysToFileSystem(new DirectoryInfo(
                Path.Combine(configuration[$"{StorageOptions.Section}:DataPath"] ?? "data", "keys")));
        }

        return services;
    }
}
