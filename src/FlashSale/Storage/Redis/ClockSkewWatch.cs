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
/// </summary>
public sealed partial class ClockSkewWatch(
    IConnectionMultiplexer redis,
    TimeProvider clock,
    IOptions<DistributedOptions> options,
    ILogger<ClockSkewWatch> log) : BackgroundService, IClockCheck, IStoreProbe
{
    private readonly DistributedOptions _options = options.Value;
    private long _offTicks = long.MinValue; // long.MinValue: in step

    public TimeSpan? OffBy => Volatile.Read(ref _offTicks) is var ticks && ticks == long.MinValue ? null : TimeSpan.FromTicks(ticks);

    /// <summary>Whether the clock is compared at all (<see cref="DistributedOptions.MaxClockSkew"/> above zero).</summary>
    public bool Enabled => _options.MaxClockSkew > TimeSpan.Zero;

    /// <summary>The latest conclusive measurement (positive: this clock ahead of Redis's); for the metric.</summary>
    public TimeSpan LastSkew { get; private set; }

    string IStoreProbe.Name => "clock";

    Task IStoreProbe.CheckAsync(CancellationToken ct) => OffBy is { } off
        ? Task.FromException(new InvalidOperationException($"This instance's clock is {Describe(off)} Redis's."))
        : Task.CompletedTask;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!Enabled)
        {
            return;
        }

        // On the real timer, whatever TimeProvider decides windows: a test's frozen clock must not stop the watch.
        using var timer = new PeriodicTimer(_options.ClockCheckInterval);
        do
        {
            try
            {
                await CheckOnceAsync();
            }
            catch (Exception ex) when (RedisFailure.Is(ex) || ex is TaskCanceledException && !stoppingToken.IsCancellationRequested)
            {
                // Redis away: the last verdict stands; readiness and the purchases' own failures say Redis is away.
            }
        }
        while (await WaitAsync(timer, stoppingToken));
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
        if (distance - uncertainty > _options.MaxClockSkew)
        {
            LastSkew = skew;
            if (Interlocked.Exchange(ref _offTicks, skew.Ticks) == long.MinValue)
            {
                LogOff(Describe(skew), _options.MaxClockSkew.TotalMilliseconds);
            }
        }
        else if (distance + uncertainty <= _options.MaxClockSkew)
        {
            LastSkew = skew;
            if (Interlocked.Exchange(ref _offTicks, long.MinValue) != long.MinValue)
            {
                LogBack(Describe(skew));
            }
        }
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
