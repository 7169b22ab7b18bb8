using FlashSale.Operations;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace FlashSale.Storage.Redis;

/// <summary>
/// Samples every sale's outbox once a second (XLEN and the oldest entry's id, pipelined) for the
/// <c>flashsale.outbox.*</c> gauges: a scrape reads the last sample and never waits for Redis.
/// Persisted entries are deleted, so the length is exactly what the record still lacks.
/// </summary>
public sealed class OutboxLagMonitor(IConnectionMultiplexer redis, IOptions<DistributedOptions> options, TimeProvider clock)
    : BackgroundService, IOutboxLag
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);
    private OutboxLagSample _current;

    public OutboxLagSample Current => _current;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        do
        {
            try
            {
                _current = await SampleAsync();
            }
            catch (Exception ex) when (RedisFailure.Is(ex) || ex is TaskCanceledException && !stoppingToken.IsCancellationRequested)
            {
                // Redis unreachable: keep the last sample; purchases are refused meanwhile anyway. TaskCanceledException:
                // StackExchange.Redis cancels the commands outstanding on a connection that dies; left unhandled it
                // ended ExecuteAsync and, with BackgroundServiceExceptionBehavior.StopHost, the whole instance.
            }
        }
        while (await WaitAsync(timer, stoppingToken));
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

    internal async Task<OutboxLagSample> SampleAsync()
    {
        var db = redis.GetDatabase();
        var sales = await db.SetMembersAsync(RedisKeys.Registry(options.Value.Namespace));
        var reads = RedisKeys.SaleIds(sales).Select(id => (
            Length: db.StreamLengthAsync(RedisKeys.Outbox(id)),
            Oldest: db.StreamRangeAsync(RedisKeys.Outbox(id), "-", "+", count: 1))).ToList();
        long pending = 0;
        long? oldestMs = null;
        foreach (var (length, oldest) in reads)
        {
            pending += await length;
            var first = await oldest;
            if (first.Length > 0 && StreamIdMs(first[0].Id) is { } ms && (oldestMs is null || ms < oldestMs))
            {
                oldestMs = ms;
            }
        }

        var age = oldestMs is null
            ? TimeSpan.Zero
            : TimeSpan.FromMilliseconds(Math.Max(0, clock.GetUtcNow().ToUnixTimeMilliseconds() - oldestMs.Value));
        return new OutboxLagSample(pending, age);
    }

    /// <summary>A stream id is <c>&lt;unix ms&gt;-&lt;seq&gt;</c>, stamped by Redis when the entry was added.</summary>
    private static long? StreamIdMs(RedisValue id)
    {
        var text = id.ToString();
        var dash = text.IndexOf('-', StringComparison.Ordinal);
        return dash > 0 && long.TryParse(text.AsSpan(0, dash), System.Globalization.NumberStyles.None,
            System.Globalization.CultureInfo.InvariantCulture, out var ms) ? ms : null;
    }
}
