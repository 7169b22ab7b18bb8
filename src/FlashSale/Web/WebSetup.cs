namespace FlashSale.Web;

public static class WebSetup
{
    public static IServiceCollection AddFlashSaleWeb(this IServiceCollection services)
    {
        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "flashsale.af";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.FormFieldName = "__af";
        });
        services.AddSingleton<IDashboardData, DashboardData>();
        services.AddSingleton<ISaleAdministration, SaleAdministration>();
        return services;
    }

    public static IEndpointRouteBuilder MapWebPages(this IEndpointRouteBuilder routes)
    {
        routes.MapShopPages();
        routes.MapAccountPages();
        routes.MapOrderPages();
        routes.MapAdminPages();
        return routes;
    }
}
