using FlashSale.Common;

namespace FlashSale.Sales;

public static class SalesSetup
{
    public static IServiceCollection AddFlashSaleSales(this IServiceCollection services)
    {
        services.AddOptions<SalesOptions>().BindConfiguration(SalesOptions.Section).ValidateSettings(SalesOptions.Section).ValidateOnStart();
        services.AddSingleton<ListStockCache>();
        return services;
    }
}
