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
        // The stylesheet, script and images keep their names across releases: a browser may keep them but asks
        // again each time (a 304 by ETag), so a deploy is seen at once. Everything else is no-store (SecurityHeadersMiddleware).
        // The pages load the script's modules under a path named by their content instead, kept for good (ScriptModules).
        services.Configure<StaticFileOptions>(o => o.OnPrepareResponse = file => file.Context.Response.Headers.CacheControl = "no-cache");
        // Ahead of every other problem writer (ProblemJsonWriter is registered before this): browsers get pages.
        services.Insert(0, ServiceDescriptor.Singleton<IProblemDetailsWriter, HtmlProblemWriter>());
        // Ahead of BadRequestExceptionHandler, which would answer a bound form's refused token in the framework's words.
        services.Insert(0, ServiceDescriptor.Singleton<Microsoft.AspNetCore.Diagnostics.IExceptionHandler, FormTokenExceptionHandler>());
        services.AddSingleton<ScriptModules>();
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
