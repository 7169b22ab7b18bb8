using FlashSale.Live;
using FlashSale.Storage.Embedded;
using FlashSale.Storage.Redis;

namespace FlashSale.Storage;

public static class StorageSetup
{
    /// <summary>Chooses the store implementations from <c>Storage:Mode</c>: a configuration switch, not a fork.</summary>
    public static IServiceCollection AddFlashSaleStorage(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IStockNotifier, NoStockNotifier>();
        var mode = configuration.GetValue($"{StorageOptions.Section}:Mode", StorageMode.Embedded);
        return mode switch
        {
            StorageMode.Embedded => services.AddEmbeddedStorage(),
            StorageMode.Distributed => services.AddDistributedStorage(configuration),
            _ => throw new InvalidOperationException($"Storage:Mode '{mode}' is not available in this build."),
        };
    }
}
