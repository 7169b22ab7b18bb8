using System.Text.Json;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace FlashSale.Operations;

/// <summary>A small JSON body for health answers: status and each check, no exception text.</summary>
internal static class HealthResponse
{
    public static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        if (report.Status == HealthStatus.Unhealthy)
        {
            context.Response.Headers.RetryAfter = "5";
        }

        var body = new
        {
            status = report.Status.ToString().ToLowerInvariant(),
            checks = report.Entries.ToDictionary(e => e.Key, e => new
            {
                status = e.Value.Status.ToString().ToLowerInvariant(),
                description = e.Value.Description,
            }),
        };
        return context.Response.WriteAsync(JsonSerializer.Serialize(body, JsonSerializerOptions.Web), context.RequestAborted);
    }
}
