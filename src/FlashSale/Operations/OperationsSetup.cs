using FlashSale.Storage.Embedded;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using OpenTelemetry.Metrics;

namespace FlashSale.Operations;

public static class OperationsSetup
{
    public const string ReadyTag = "ready";

    /// <summary>
    /// <c>ShutdownTimeout</c>: how long a graceful stop waits for in-flight requests, 0 to 1 hour. Checked at start: the
    /// host reads it only at the stop, where a negative one or one past a timer's ~49 days threw, and until 2026-12-06 a
    /// SIGTERM then ended the server with an unhandled ArgumentOutOfRangeException (exit 134) instead of a graceful stop.
    /// </summary>
    public static IServiceCollection AddFlashSaleShutdownTimeout(this IServiceCollection services, IConfiguration configuration)
    {
        var timeout = configuration.GetValue("ShutdownTimeout", TimeSpan.FromSeconds(30));
        if (timeout < TimeSpan.Zero || timeout > TimeSpan.FromHours(1))
        {
            throw new InvalidOperationException($"ShutdownTimeout must be from 00:00:00 to 01:00:00, not {timeout}.");
        }

        return services.Configure<HostOptions>(o => o.ShutdownTimeout = timeout);
    }

    public static IServiceCollection AddFlashSaleOperations(this IServiceCollection services)
    {
        services.AddSingleton<FlashSaleMetrics>();
        // One instance for the process (AddCheck alone makes one per check): it shares its result between callers.
        services.AddSingleton<StoreHealthCheck>();
        services.AddHealthChecks().AddCheck<StoreHealthCheck>("store", tags: [ReadyTag]);
        services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(FlashSaleMetrics.MeterName)
            // ASP.NET Core's request, connection and exception meters. Not the routing, authentication and
            // authorization meters that AddAspNetCoreInstrumentation() also turns on: three more recordings on
            // every request, a measurable share of a rejected purchase, telling nothing the request metrics
            // (by route and status) do not.
            .AddMeter("Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "Microsoft.AspNetCore.Diagnostics")
            .AddRuntimeInstrumentation()
            .AddPrometheusExporter());
        return services;
    }

    public static WebApplication MapOperations(this WebApplication app)
    {
        // Live: the process answers. Ready: it can take purchases (its store answers).
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = HealthResponse.WriteAsync })
            .GetOnly();
        var ready = new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(ReadyTag),
            ResponseWriter = HealthResponse.WriteAsync,
            ResultStatusCodes =
            {
                [HealthStatus.Healthy] = StatusCodes.Status200OK,
                [HealthStatus.Degraded] = StatusCodes.Status200OK,
                [HealthStatus.Unhealthy] = StatusCodes.Status503ServiceUnavailable,
            },
        };
        app.MapHealthChecks("/health/ready", ready).GetOnly();
        // The address monitors and load balancers try first (a seed system's only one; it was a 404): readiness, as
        // /health/ready answers it (the same shared result).
        app.MapHealthChecks("/health", ready).GetOnly();
        app.MapPrometheusScrapingEndpoint("/metrics").GetOnly();
        return app;
    }

    /// <summary>
    /// A read like every other: GET (and so HEAD, HeadRequestsMiddleware), anything else the router's 405 with
    /// <c>Allow</c>. Mapped without a method, health and metrics answered a DELETE or a POST 200 until 2026-12-07.
    /// </summary>
    private static void GetOnly(this IEndpointConventionBuilder endpoint) =>
        endpoint.WithMetadata(new HttpMethodMetadata([HttpMethods.Get]));

    /// <summary>Wires the group committer's batches into the metrics once both exist.</summary>
    public static void ConnectCommitMetrics(IServiceProvider services)
    {
        var committer = services.GetService<GroupCommitter>();
        var metrics = services.GetRequiredService<FlashSaleMetrics>();
        if (committer is not null)
        {
            committer.BatchCommitted += metrics.Commit;
        }
    }
}
