namespace FlashSale.Sales;

public static class SalesSetup
{
    public static IServiceCollection AddFlashSaleSales(this IServiceCollection services)
    {
        services.AddOptions<SalesOptions>().BindConfiguration(SalesOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<ListStockCache>();
        return services;
    }
}
