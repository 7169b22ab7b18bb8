using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace FlashSale.Operations;

/// <summary>Ready when the store in use answers: SQLite embedded; Redis and PostgreSQL distributed.</summary>
public sealed class StoreHealthCheck(IEnumerable<IStoreProbe> probes) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var failures = new List<string>();
        foreach (var probe in probes)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(2));
            try
            {
                await probe.CheckAsync(timeout.Token);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                failures.Add($"{probe.Name}: {ex.GetType().Name}");
            }
        }

        return failures.Count == 0
            ? HealthCheckResult.Healthy(string.Join(", ", probes.Select(p => p.Name)))
            : HealthCheckResult.Unhealthy(string.Join("; ", failures));
    }
}

/// <summary>One dependency the server needs to take purchases. Throws when it does not answer.</summary>
public interface IStoreProbe
{
    string Name { get; }

    Task CheckAsync(CancellationToken ct);
}
