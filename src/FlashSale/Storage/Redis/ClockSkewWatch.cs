using System.Diagnostics;
using FlashSale.Operations;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace FlashSale.Storage.Redis;

/// <summary>
/// Compares this instance's clock (<see cref="TimeProvider"/>, the one that decides sale windows) with Redis's every
/// <see cref="DistributedOptions.ClockCheckInterval"/>. Off by more than <see cref="DistributedOptions.MaxClockSkew"/>,
/// the instance refuses purchases and admins' sale changes (503) and readiness fails (<c>clock: unavailable</c>), so a
/// load balancer takes it out, until a measurement finds it back in step: two instances' clocks 90 s apart sold a sale
/// on one a minute before its start while the other refused it (G6), and nothing noticed.
/// <para>
/// A measurement counts only when it is conclusive: Redis's time is taken as of the middle of the round trip, so it is off
/// by up to half the round trip either way; an instance is called off only if it is off by more than the bound even then,
/// and in step only if it is within the bound even then. A slow round trip (a loaded host) decides nothing and the last
/// verdict stands; so does a Redis that does not answer (its own checks cover that).
/// </para>
/// <para>
/// Fail closed: until a first measurement has been conclusive the clock is unchecked and counts as not in step (the same
/// 503s, readiness <c>clock: unavailable</c>). Until 2026-12-07 it counted as in step, and an instance 90 s off sold for as
/// long as its first measurement took (longer with Redis slow or away at start). The start waits for that first
/// measurement up to <see cref="FirstCheckWait"/>, so a healthy instance takes traffic already checked; until one
/// succeeds the watch tries again every <see cref="UncheckedRetry"/> (or the interval, when shorter), not every interval.
/// After a good one, a failed or inconclusive measurement leaves the last verdict standing, in step or off.
/// </para>
/// </summary>
public sealed partial class ClockSkewWatch(
    IConnectionMultiplexer redis,
    TimeProvider clock,
    IOptions<DistributedOptions> options,
    ILogger<ClockSkewWatch> log) : BackgroundService, IClockCheck, IStoreProbe
{
    /// <summary>How long the start waits for the first measurement (a TIME answers in a millisecond when Redis is well).</summary>
    internal TimeSpan FirstCheckWait { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How often the clock is measured while no measurement has succeeded yet: an unchecked instance refuses purchases.</summary>
    internal static readonly TimeSpan UncheckedRetry = TimeSpan.FromMilliseconds(250);

    private readonly DistributedOptions _options = options.Value;
    private long _offTicks = long.MinValue; // long.MinValue: in step
    private volatile bool _checked;
    private Task? _first;

    /// <summary>By how much the clock was last measured off (positive: ahead); null while in step or not measured yet.</summary>
    public TimeSpan? OffBy => Volatile.Read(ref _offTicks) is var ticks && ticks == long.MinValue ? null : TimeSpan.FromTicks(ticks);

    /// <inheritdoc />
    public bool InStep => !Enabled || (_checked && OffBy is null);

    /// <summary>Whether the clock is compared at all (<see cref="DistributedOptions.MaxClockSkew"/> above zero).</summary>
    public bool Enabled => _options.MaxClockSkew > TimeSpan.Zero;

    /// <summary>
    /// The latest conclusive measurement (positive: this clock ahead of Redis's), null until the first; for the metric,
    /// which exports nothing until then (a 0 would read as "in step" while purchases are refused as unchecked).
    /// </summary>
    public TimeSpan? LastSkew { get; private set; }

    string IStoreProbe.Name => "clock";

    Task IStoreProbe.CheckAsync(CancellationToken ct) => this switch
    {
        { InStep: true } => Task.CompletedTask,
        { OffBy: { } off } => Task.FromException(new InvalidOperationException($"This instance's clock is {Describe(off)} Redis's.")),
        _ => Task.FromException(new InvalidOperationException(
            "This instance's clock has not been compared with Redis's yet (no conclusive TIME since start: Redis away, or its answers too slow to tell).")),
    };

    /// <summary>The first measurement before the server takes traffic, waited for at most <see cref="FirstCheckWait"/>.</summary>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        if (Enabled)
        {
            _first = MeasureAsync(CancellationToken.None);
            try
            {
                await _first.WaitAsync(FirstCheckWait, cancellationToken);
            }
            catch (TimeoutException)
            {
                // Still unchecked: refused until the measurement, carried on by ExecuteAsync, succeeds.
            }
        }

        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!Enabled)
        {
            return;
        }

        if (_first is { } first)
        {
            try
            {
                // Not measured twice at once; a TIME held to its timeout (5 s) does not hold the stop.
                await first.WaitAsync(stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }

        // On the real timer, whatever TimeProvider decides windows: a test's frozen clock must not stop the watch.
        var interval = _options.ClockCheckInterval;
        var untilChecked = interval < UncheckedRetry ? interval : UncheckedRetry;
        using var timer = new PeriodicTimer(_checked ? interval : untilChecked);
        while (await WaitAsync(timer, stoppingToken))
        {
            await MeasureAsync(stoppingToken);
            timer.Period = _checked ? interval : untilChecked;
        }
    }

    private async Task MeasureAsync(CancellationToken stoppingToken)
    {
        try
        {
            await CheckOnceAsync();
        }
        catch (Exception ex) when (RedisFailure.Is(ex) || ex is TaskCanceledException && !stoppingToken.IsCancellationRequested)
        {
            // Redis away: the last verdict stands (none yet: unchecked, refused); readiness and the purchases' own
            // failures say Redis is away.
        }
    }

    /// <summary>One measurement and its verdict.</summary>
    internal async Task CheckOnceAsync()
    {
        var server = redis.GetServers().FirstOrDefault(s => s.IsConnected && !s.IsReplica);
        if (server is null)
        {
            return;
        }

        var sent = Stopwatch.GetTimestamp();
        var before = clock.GetUtcNow();
        var redisNow = new DateTimeOffset(DateTime.SpecifyKind(await server.TimeAsync(), DateTimeKind.Utc));
        var roundTrip = Stopwatch.GetElapsedTime(sent);
        var skew = before + roundTrip / 2 - redisNow;
        var uncertainty = roundTrip / 2;
        var distance = skew.Duration();
        var off = distance - uncertainty > _options.MaxClockSkew;
        if (!off && distance + uncertainty > _options.MaxClockSkew)
        {
            return; // inconclusive: the round trip too slow to tell, the last verdict stands
        }

        LastSkew = skew;
        var wasOff = Interlocked.Exchange(ref _offTicks, off ? skew.Ticks : long.MinValue) != long.MinValue;
        if (off && !wasOff)
        {
            LogOff(Describe(skew), _options.MaxClockSkew.TotalMilliseconds);
        }
        else if (!off && wasOff)
        {
            LogBack(Describe(skew));
        }

        _checked = true;
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken ct)
    {
        try
        {
            return await timer.WaitForNextTickAsync(ct);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private static string Describe(TimeSpan skew) =>
        $"{Math.Abs(skew.TotalMilliseconds):F0} ms {(skew > TimeSpan.Zero ? "ahead of" : "behind")}";

    [LoggerMessage(EventId = 4271, Level = LogLevel.Error, Message = "This instance's clock is {Skew} Redis's, more than Distributed:MaxClockSkew ({BoundMs:F0} ms): sale windows would be decided differently here than on the other instances (G6). Purchases and sale changes are refused (503) and readiness fails until it is back in step: fix the host's time synchronisation (NTP)")]
    private partial void LogOff(string skew, double boundMs);

    [LoggerMessage(EventId = 4272, Level = LogLevel.Information, Message = "This instance's clock is back in step with Redis's ({Skew} it); purchases and sale changes are taken again")]
    private partial void LogBack(string skew);
}
