using System.Diagnostics;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace FlashSale.Operations;

/// <summary>
/// Ready when the store in use answers: SQLite embedded; Redis and PostgreSQL distributed. A result is shared for
/// <see cref="Fresh"/>, and callers that come while a check runs wait for that one: <c>/health/ready</c> is public and
/// exempt from the rate limits (a load balancer must never be refused), and each check takes SQLite's write lock, or
/// pings every Redis master and PostgreSQL. A flood of probes ran a check each, competing with the group commit for
/// the lock; now it costs at most one check per <see cref="Fresh"/>, and a load balancer probing every few seconds
/// sees a result at most that old.
/// </summary>
public sealed class StoreHealthCheck(IEnumerable<IStoreProbe> probes) : IHealthCheck
{
    public static readonly TimeSpan Fresh = TimeSpan.FromMilliseconds(250);

    private readonly Lock _gate = new();
    private Task<HealthCheckResult>? _last;
    private long _lastStarted;

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            // Running, or done within Fresh: shared. A caller leaving early does not cancel it for the others.
            if (_last is null || (_last.IsCompleted && Stopwatch.GetElapsedTime(_lastStarted) >= Fresh))
            {
                _lastStarted = Stopwatch.GetTimestamp();
                _last = ProbeAllAsync();
            }

            return _last.WaitAsync(cancellationToken);
        }
    }

    private async Task<HealthCheckResult> ProbeAllAsync()
    {
        var failures = new List<string>();
        foreach (var probe in probes)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            try
            {
                await probe.CheckAsync(timeout.Token);
            }
            catch (Exception ex)
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
