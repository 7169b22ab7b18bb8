using FlashSale.Purchasing;
using FlashSale.Sales;
using Microsoft.Extensions.Options;

namespace FlashSale.Live;

/// <summary>
/// The in-process live feed: one <see cref="SaleFeed"/> per sale that has subscribers on this
/// instance, however many they are. As the ledger's <see cref="IStockNotifier"/> it only pokes
/// the feed (if any) and returns: the purchase path never waits for a client.
/// </summary>
public sealed partial class SaleFeedHub : IStockNotifier
{
    private readonly Lock _gate = new();
    private readonly Dictionary<Guid, SaleFeed> _feeds = [];
    private readonly IServiceProvider _services;
    private readonly TimeProvider _clock;
    private readonly LiveOptions _options;
    private readonly ILogger<SaleFeedHub> _log;
    private bool _stopping;

    public SaleFeedHub(IServiceProvider services, TimeProvider clock, IOptions<LiveOptions> options,
        IHostApplicationLifetime lifetime, ILogger<SaleFeedHub> log)
    {
        _services = services;
        _clock = clock;
        _options = options.Value;
        _log = log;
        // Open streams would hold a graceful shutdown for its whole timeout: end them first.
        lifetime.ApplicationStopping.Register(StopAll);
    }

    public LiveOptions Options => _options;

    /// <summary>How many feeds run now (one per watched sale): for tests and metrics.</summary>
    public int FeedCount
    {
        get
        {
            lock (_gate)
            {
                return _feeds.Count;
            }
        }
    }

    /// <summary>Viewers of every feed on this instance: the feeds share one delivery budget.</summary>
    public int SubscriberCount
    {
        get
        {
            lock (_gate)
            {
                var viewers = 0;
                foreach (var feed in _feeds.Values)
                {
                    viewers += feed.Count;
                }

                return viewers;
            }
        }
    }

    /// <summary>
    /// The least time between two updates of a feed now: <see cref="LiveOptions.MinInterval"/>, or longer while the
    /// viewers exceed the delivery budget (<see cref="SaleFeed.RestAfterTick"/>). Exported as a metric.
    /// </summary>
    public TimeSpan UpdateInterval => SaleFeed.RestAfterTick(_options, SubscriberCount, Environment.ProcessorCount);

    public void StockChanged(Guid saleId)
    {
        SaleFeed? feed;
        lock (_gate)
        {
            _feeds.TryGetValue(saleId, out feed);
        }

        feed?.Poke();
    }

    /// <summary>Joins the sale's feed, starting it if needed; returns once the feed has a state to send.</summary>
    public async Task<FeedSubscriber> SubscribeAsync(Guid saleId, CancellationToken ct)
    {
        FeedSubscriber subscriber;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_stopping, this);
            if (!_feeds.TryGetValue(saleId, out var feed))
            {
                // Resolved late: the ledger depends on this hub as its notifier.
                feed = new SaleFeed(saleId, this, _services.GetRequiredService<ISaleStore>(),
                    _services.GetRequiredService<IPurchaseLedger>(), _clock, _options, _log);
                _feeds[saleId] = feed;
                feed.Start();
                LogFeedStarted(_log, saleId);
            }

            subscriber = new FeedSubscriber(feed);
            feed.Add(subscriber);
        }

        try
        {
            await subscriber.Feed.Ready.WaitAsync(ct);
        }
        catch
        {
            subscriber.Dispose();
            throw;
        }

        return subscriber;
    }

    internal void Unsubscribe(FeedSubscriber subscriber)
    {
        var feed = subscriber.Feed;
        lock (_gate)
        {
            feed.Remove(subscriber);
            if (feed.Count > 0 || !_feeds.TryGetValue(feed.SaleId, out var current) || current != feed)
            {
                return;
            }

            _feeds.Remove(feed.SaleId);
        }

        feed.Stop();
        LogFeedStopped(_log, feed.SaleId);
    }

    /// <summary>A feed that cannot go on (sale deleted, store failing) ends its subscribers; they reconnect.</summary>
    internal void Fail(SaleFeed feed)
    {
        lock (_gate)
        {
            if (_feeds.TryGetValue(feed.SaleId, out var current) && current == feed)
            {
                _feeds.Remove(feed.SaleId);
            }
        }

        feed.Stop();
    }

    private void StopAll()
    {
        SaleFeed[] feeds;
        lock (_gate)
        {
            _stopping = true;
            feeds = [.. _feeds.Values];
            _feeds.Clear();
        }

        foreach (var feed in feeds)
        {
            feed.Stop();
        }
    }

    [LoggerMessage(EventId = 7002, Level = LogLevel.Debug, Message = "Live feed of sale {SaleId} started")]
    private static partial void LogFeedStarted(ILogger log, Guid saleId);

    [LoggerMessage(EventId = 7003, Level = LogLevel.Debug, Message = "Live feed of sale {SaleId} stopped")]
    private static partial void LogFeedStopped(ILogger log, Guid saleId);
}
