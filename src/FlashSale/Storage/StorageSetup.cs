using FlashSale.Live;
using FlashSale.Storage.Embedded;

namespace FlashSale.Storage;

public static class StorageSetup
{
    /// <summary>Chooses the store implementations from <c>Storage:Mode</c>: a configuration switch, not a fork.</summary>
    public static IServiceCollection AddFlashSaleStorage(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<LiveOptions>().BindConfiguration(LiveOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<SaleFeedHub>();
        services.AddSingleton<IStockNotifier>(sp => sp.GetRequiredService<SaleFeedHub>());
        var mode = configuration.GetValue($"{StorageOptions.Section}:Mode", StorageMode.Embedded);
        return mode switch
        {
            StorageMode.Embedded => services.AddEmbeddedStorage(),
            _ => throw new InvalidOperationException($"Storage:Mode '{mode}' is not available in this build."),
        };
    }
}
