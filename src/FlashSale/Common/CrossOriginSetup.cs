using FlashSale.Purchasing;
using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.Extensions.Options;

namespace FlashSale.Common;

/// <summary>
/// Cross-origin calls to the JSON API (<c>Cors:AllowedOrigins</c>, off by default), with ASP.NET Core's CORS middleware.
/// Never with credentials: a page of another origin calls with a bearer token it got from <c>POST /api/v1/auth/token</c>,
/// and the browser sends no cookie it could ride on, so the cookie session and its CSRF check stay same-origin. Only
/// <c>/api</c> and <c>/openapi</c>: the pages, <c>/metrics</c> and health are not for other origins' scripts.
/// docs/security.md, "Cross-origin API calls".
/// </summary>
public static class CrossOriginSetup
{
    public const string PolicyName = "api-cross-origin";

    /// <summary>How long a browser may keep a preflight's answer: one preflight per 10 minutes per URL, not per purchase.</summary>
    public static readonly TimeSpan PreflightMaxAge = TimeSpan.FromMinutes(10);

    /// <summary>What a storefront sends: its token, JSON, a purchase's key, and the live feed's resume point.</summary>
    public static readonly string[] AllowedHeaders = ["Authorization", "Content-Type", IdempotencyKeys.Header, "Last-Event-ID"];

    /// <summary>What it must read besides the body: an order's address (201/202) and when to try again (429/503).</summary>
    public static readonly string[] ExposedHeaders = ["Location", "Retry-After"];

    public static IServiceCollection AddFlashSaleCrossOrigin(this IServiceCollection services)
    {
        services.AddOptions<CrossOriginOptions>().BindConfiguration(CrossOriginOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<CrossOriginOptions>, ProblemsValidator>();
        services.AddCors();
        services.AddOptions<CorsOptions>().Configure<IOptions<CrossOriginOptions>>((cors, origins) =>
            cors.AddPolicy(PolicyName, policy => Configure(policy, origins.Value.AllowedOrigins)));
        return services;
    }

    /// <summary>The CORS middleware on the API's paths when origins are configured; nothing at all otherwise (no cost per request).</summary>
    /// <remarks>
    /// Asks the configuration whether any origin is set, not the options: their check runs as the host starts
    /// (ValidateOnStart), a start failure naming the wrong origin (StartFailure). Checked here, as the pipeline is built,
    /// a wrong origin failed the build instead, and a test host then saw "Cannot access a disposed object" now and then.
    /// </remarks>
    public static IApplicationBuilder UseFlashSaleCrossOrigin(this IApplicationBuilder app)
    {
        var configuration = app.ApplicationServices.GetRequiredService<IConfiguration>();
        var configured = configuration.GetSection($"{CrossOriginOptions.Section}:{nameof(CrossOriginOptions.AllowedOrigins)}")
            .GetChildren().Any(c => !string.IsNullOrEmpty(c.Value));
        return !configured
            ? app
            : app.UseWhen(
                context => context.Request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase) ||
                           context.Request.Path.StartsWithSegments("/openapi", StringComparison.OrdinalIgnoreCase),
                api => api.UseCors(PolicyName));
    }

    private static void Configure(CorsPolicyBuilder policy, string[] origins)
    {
        if (origins.Contains("*"))
        {
            policy.AllowAnyOrigin();
        }
        else
        {
            policy.WithOrigins(origins);
        }

        policy.WithMethods(HttpMethods.Get, HttpMethods.Head, HttpMethods.Post, HttpMethods.Put, HttpMethods.Patch, HttpMethods.Delete)
            .WithHeaders(AllowedHeaders)
            .WithExposedHeaders(ExposedHeaders)
            .SetPreflightMaxAge(PreflightMaxAge)
            .DisallowCredentials();
    }

    /// <summary>Names each entry that cannot work, as the other settings' checks do (StartFailure prints them).</summary>
    private sealed class ProblemsValidator : IValidateOptions<CrossOriginOptions>
    {
        public ValidateOptionsResult Validate(string? name, CrossOriginOptions options)
        {
            var problems = options.Problems().ToList();
            return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
        }
    }
}
