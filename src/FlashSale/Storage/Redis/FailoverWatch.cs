using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using FlashSale.Operations;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace FlashSale.Storage.Redis;

/// <summary>
/// Whether Redis may have failed over lately (<see cref="DistributedOptions.FailoverSuspicion"/>): the ledger's
/// multiplexer lost or regained a connection, or saw the topology change. Replication is asynchronous, so a promoted
/// replica can hold a sale's state older than the record, and while it does its "no" to a key it does not know is not
/// to be trusted (<see cref="RedisLedger"/> asks the record first). Suspected only for a while after such an event:
/// asking the record on every keyed rejection would cost a sold-out flood with keys one PostgreSQL query each. A
/// connection blip raises the same events and costs the same few minutes of lookups: the events do not say which it
/// was. A process that starts after a failover saw no event (its first connection raises none), so at start it asks each
/// master whether it was promoted from a replica (<see cref="CheckMastersAtStartAsync"/>) and suspects a failover if one was.
/// </summary>
public sealed partial class FailoverWatch
{
    private readonly long _window;
    private readonly ILogger<FailoverWatch> _log;
    private readonly Counter<long> _checks;
    private long _until = long.MinValue;
    private long _checked;

    /// <summary>At most one warning a second per endpoint (<see cref="SuspectAt"/>).</summary>
    internal static readonly TimeSpan LogEvery = TimeSpan.FromSeconds(1);

    /// <summary>Per endpoint (its text; "" for none): its events, logged at most once per <see cref="LogEvery"/>.</summary>
    private readonly ConcurrentDictionary<string, FloodWarning> _warnings = new();

    public FailoverWatch(IConnectionMultiplexer redis, IOptions<DistributedOptions> options, IMeterFactory meters, ILogger<FailoverWatch> log)
    {
        _log = log;
        _checks = meters.Create(FlashSaleMetrics.MeterName).CreateCounter<long>("flashsale.failover.rejection_checks", "{attempt}",
            "Keyed sold_out / limit_reached answers looked up in the record while a failover was suspected, by outcome (recorded: the state was stale).");
        _window = (long)(options.Value.FailoverSuspicion.TotalSeconds * Stopwatch.Frequency);
        redis.ConnectionFailed += (_, e) => SuspectAt(e.EndPoint, $"connection to {e.EndPoint} failed ({e.FailureType})");
        redis.ConnectionRestored += (_, e) => SuspectAt(e.EndPoint, $"connection to {e.EndPoint} restored");
        redis.ConfigurationChanged += (_, e) => SuspectAt(e.EndPoint, $"configuration of {e.EndPoint} changed");
        redis.ConfigurationChangedBroadcast += (_, e) => SuspectAt(e.EndPoint, $"configuration change of {e.EndPoint} broadcast");
    }

    /// <summary>True within the window after the last event: a keyed rejection is checked against the record.</summary>
    public bool Suspected => _window > 0 && Stopwatch.GetTimestamp() < Volatile.Read(ref _until);

    /// <summary>Record lookups of keyed rejections made since start (tests: none without a suspected failover).</summary>
    internal long Checks => Interlocked.Read(ref _checked);

    /// <summary>One keyed rejection looked up in the record: recorded (the state was stale), not_recorded, or unavailable.</summary>
    public void Checked(string outcome)
    {
        Interlocked.Increment(ref _checked);
        _checks.Add(1, new KeyValuePair<string, object?>("outcome", outcome));
    }

    /// <summary>
    /// At start (the store's load): a master promoted from a replica since it started (<c>second_repl_offset</c> set) may
    /// hold state older than the record, and this process saw no event of it. Its promotion may be days old, which
    /// <c>INFO</c> does not tell: suspected all the same, at the price of one window of lookups after each start. Masters
    /// out of reach are skipped (their return raises an event).
    /// </summary>
    public async Task CheckMastersAtStartAsync(IConnectionMultiplexer redis)
    {
        foreach (var endpoint in redis.GetEndPoints())
        {
            var server = redis.GetServer(endpoint);
            if (!server.IsConnected || server.IsReplica)
            {
                continue;
            }

            try
            {
                var info = await ReplicationState.ReadAsync(server);
                if (info.IsMaster && info.WasPromoted)
                {
                    SuspectAt(endpoint, $"master {endpoint} was promoted from a replica before this process started");
                    return;
                }
            }
            catch (Exception ex) when (RedisFailure.Is(ex))
            {
                // Out of reach now: its connection's return raises ConnectionRestored, which suspects anyway.
            }
        }
    }

    /// <summary>An event that may be a failover: suspected from now until the window has passed (tests call it to simulate one).</summary>
    internal void Suspect(string why) => SuspectAt(null, why);

    /// <summary>
    /// An event of <paramref name="endpoint"/> that may be a failover: suspected from now until the window has passed, every
    /// event. Logged at most once per <see cref="LogEvery"/> and endpoint, the next line counting the events not logged: a
    /// reconnect raises an event per connection and attempt (138 lines in one second on one instance in an audit).
    /// </summary>
    internal void SuspectAt(EndPoint? endpoint, string why)
    {
        if (_window <= 0)
        {
            return;
        }

        Volatile.Write(ref _until, Stopwatch.GetTimestamp() + _window);
        var warning = _warnings.GetOrAdd(endpoint?.ToString() ?? "", static _ => new FloodWarning(LogEvery, TimeProvider.System));
        if (warning.Count() is > 0 and var events)
        {
            // This event and those not logged since the last warning: the line counts the others.
            LogSuspected(why, events - 1);
        }
    }

    [LoggerMessage(EventId = 4251, Level = LogLevel.Warning, Message = "Redis may have failed over ({Why}): for Distributed:FailoverSuspicion, a keyed sold_out or limit_reached is checked against the record first ({Unlogged} more such events of this endpoint since its last warning, within a second of it, were not logged)")]
    private partial void LogSuspected(string why, long unlogged);
}
