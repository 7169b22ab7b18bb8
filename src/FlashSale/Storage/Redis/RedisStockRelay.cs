using System.Collections.Concurrent;
using FlashSale.Live;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace FlashSale.Storage.Redis;

/// <summary>
/// The live feed across instances. As the ledger's <see cref="IStockNotifier"/> it pokes this
/// instance's <see cref="SaleFeedHub"/> at once and marks the sale; every
/// <see cref="LiveOptions.MinInterval"/> it publishes the marked sales in one message on
/// <c>&lt;namespace&gt;:stock</c>, and every other instance pokes its hub for them. However fast a
/// sale sells, an instance publishes at most one message per interval; the hubs coalesce the rest.
/// </summary>
public sealed partial class RedisStockRelay(
    IConnectionMultiplexer redis,
    SaleFeedHub hub,
    IOptions<DistributedOptions> options,
    IOptions<LiveOptions> live,
    ILogger<RedisStockRelay> log) : BackgroundService, IStockNotifier
{
    private readonly string _origin = Guid.NewGuid().ToString("N")[..12];
    private readonly ConcurrentDictionary<Guid, byte> _changed = new();
    private readonly RedisChannel _channel = RedisKeys.StockChanged(options.Value.Namespace);

    public void StockChanged(Guid saleId)
    {
        hub.StockChanged(saleId);
        _changed.TryAdd(saleId, 0);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await redis.GetSubscriber().SubscribeAsync(_channel, (_, message) => Received(message));
        }
        catch (Exception ex) when (RedisFailure.Is(ex) || ex is TaskCanceledException && !stoppingToken.IsCancellationRequested)
        {
            // The multiplexer restores subscriptions when it reconnects. (TaskCanceledException: the client cancels the
            // commands of a connection that dies; unhandled, it would stop the host.)
            LogRelayFailed(ex.Message);
        }

        using var timer = new PeriodicTimer(live.Value.MinInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await PublishAsync();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task PublishAsync()
    {
        if (_changed.IsEmpty)
        {
            return;
        }

        var sales = new List<string>();
        foreach (var sale in _changed.Keys)
        {
            _changed.TryRemove(sale, out _);
            sales.Add(sale.ToString("N"));
        }

        try
        {
            await redis.GetSubscriber().PublishAsync(_channel, _origin + ":" + string.Join(',', sales));
        }
        catch (Exception ex) when (RedisFailure.Is(ex) || ex is TaskCanceledException)
        {
            // Best effort: other instances' feeds catch up at their next change or reconnect. (TaskCanceledException:
            // the client cancels the commands of a connection that dies; unhandled, it would stop the host.)
            LogRelayFailed(ex.Message);
        }
    }

    private void Received(RedisValue message)
    {
        var text = message.ToString();
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0 || text.AsSpan(0, colon).SequenceEqual(_origin))
        {
            return;
        }

        foreach (var item in text[(colon + 1)..].Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            if (Guid.TryParseExact(item, "N", out var saleId))
            {
                hub.StockChanged(saleId);
            }
        }
    }

    [LoggerMessage(EventId = 4401, Level = LogLevel.Warning, Message = "Live feed relay: Redis failed ({Error})")]
    private partial void LogRelayFailed(string error);
}
