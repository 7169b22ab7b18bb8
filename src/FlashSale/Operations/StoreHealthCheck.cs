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
/// <para>
/// The answer names the check that failed and how, <c>sqlite: unavailable</c> or <c>redis: timeout</c>, never the
/// exception: it is public, and internal type names only help to fingerprint the server. The log has the exception's
/// type and message (event 6003) when a check starts failing or fails otherwise, and event 6004 when it answers again.
/// </para>
/// </summary>
public sealed partial class StoreHealthCheck(IEnumerable<IStoreProbe> probes, ILogger<StoreHealthCheck> logger) : IHealthCheck
{
    public static readonly TimeSpan Fresh = TimeSpan.FromMilliseconds(250);

    private readonly Lock _gate = new();
    private Task<HealthCheckResult>? _last;
    private long _lastStarted;

    // Each failing probe's exception type, as last logged. Checks run one at a time (a new one starts once the last is done).
    private readonly Dictionary<string, string> _failing = [];

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            // Running, or done within Fresh: shared. A caller leaving early does not cancel it for the others.
            if (_last is null || (_last.IsCompleted && Stopwatch.GetElapsedTime(_lastStarted) >= Fresh))
            {
                _lastStarted = Stopwatch.GetTimestamp();
                // On the thread pool: a probe that blocks (SQLite's is synchronous) must not hold the gate, where every
                // other readiness request would wait for it.
                _last = Task.Run(ProbeAllAsync);
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
                if (_failing.Remove(probe.Name))
                {
                    LogAnswersAgain(logger, probe.Name);
                }
            }
            catch (Exception ex)
            {
                failures.Add($"{probe.Name}: {(ex is OperationCanceledException or TimeoutException ? "timeout" : "unavailable")}");
                var type = ex.GetType().FullName ?? ex.GetType().Name;
                if (!_failing.TryGetValue(probe.Name, out var logged) || logged != type)
                {
                    _failing[probe.Name] = type;
                    LogFails(logger, probe.Name, type, ex.Message);
                }
            }
        }

        return failures.Count == 0
            ? HealthCheckResult.Healthy(string.Join(", ", probes.Select(p => p.Name)))
            : HealthCheckResult.Unhealthy(string.Join("; ", failures));
    }

    [LoggerMessage(EventId = 6003, Level = LogLevel.Warning, Message = "Readiness check {Probe} fails: {ExceptionType}: {ExceptionMessage}")]
    private static partial void LogFails(ILogger logger, string probe, string exceptionType, string exceptionMessage);

    [LoggerMessage(EventId = 6004, Level = LogLevel.Information, Message = "Readiness check {Probe} answers again")]
    private static partial void LogAnswersAgain(ILogger logger, string probe);
}

/// <summary>One dependency the server needs to take purchases. Throws when it does not answer.</summary>
public interface IStoreProbe
{
    string Name { get; }

    Task CheckAsync(CancellationToken ct);
}
