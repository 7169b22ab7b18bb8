using System.Threading.Channels;
using FlashSale.Purchasing;
using FlashSale.Sales;

namespace FlashSale.Live;

/// <summary>
/// The one feed of a sale on this instance. It wakes when the ledger says the stock may have
/// changed, when the sale's window opens or closes, or for a heartbeat; reads the stock once;
/// and fans the result out to every subscriber. Between reads it rests for
/// <see cref="LiveOptions.MinInterval"/> (longer with many viewers: <see cref="RestAfterTick"/>), so a burst of
/// purchases becomes at most a few updates a second.
/// </summary>
internal sealed partial class SaleFeed
{
    /// <summary>Subscribers handed a frame between two pauses for the requests waiting (<see cref="PublishAsync"/>).</summary>
    internal const int FanOutChunk = 256;

    private static readonly TimeSpan FanOutPause = TimeSpan.FromMilliseconds(1);

    private readonly Channel<bool> _pokes = Channel.CreateBounded<bool>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stop = new();
    private readonly ISaleStore _sales;
    private readonly IPurchaseLedger _ledger;
    private readonly TimeProvider _clock;
    private readonly LiveOptions _options;
    private readonly ILogger _log;
    // The viewers, and the array the fan-out walks, rebuilt only when they changed since the last publish. Joining and
    // leaving are O(1): a copy-on-write array copied all viewers at each join and each leave, O(n²) for a crowd — 10,000
    // joining or leaving at once copied ~50 million references and allocated ~400 MB, under the hub's lock.
    private readonly HashSet<FeedSubscriber> _members = new(ReferenceEqualityComparer.Instance);
    private FeedSubscriber[]? _snapshot = [];
    private Sale? _sale;
    private DateTimeOffset _lastSent;

    public SaleFeed(Guid saleId, SaleFeedHub hub, ISaleStore sales, IPurchaseLedger ledger, TimeProvider clock,
        LiveOptions options, ILogger log)
    {
        SaleId = saleId;
        Hub = hub;
        _sales = sales;
        _ledger = ledger;
        _clock = clock;
        _options = options;
        _log = log;
    }

    public Guid SaleId { get; }

    public SaleFeedHub Hub { get; }

    public FeedState? Current { get; private set; }

    /// <summary>Completes after the first read, so every subscriber starts with a snapshot.</summary>
    public Task Ready => _ready.Task;

    /// <summary>How many watch this feed; viewers join and leave under the hub's lock, which stops a feed left with none.</summary>
    public int Count
    {
        get
        {
            lock (_members)
            {
                return _members.Count;
            }
        }
    }

    public void Start() => _ = Task.Run(RunAsync);

    public void Poke() => _pokes.Writer.TryWrite(true);

    public void Stop()
    {
        _stop.Cancel();
        foreach (var subscriber in Subscribers())
        {
            subscriber.Complete();
        }
    }

    public void Add(FeedSubscriber subscriber)
    {
        lock (_members)
        {
            _members.Add(subscriber);
            _snapshot = null;
        }
    }

    public void Remove(FeedSubscriber subscriber)
    {
        lock (_members)
        {
            _members.Remove(subscriber);
            _snapshot = null;
        }
    }

    /// <summary>The viewers now, as an array the caller may walk without a lock; a copy only after a join or a leave.</summary>
    internal FeedSubscriber[] Subscribers()
    {
        lock (_members)
        {
            return _snapshot ??= [.. _members];
        }
    }

    private async Task RunAsync()
    {
        var stop = _stop.Token;
        try
        {
            await TickAsync(stop);
            if (Current is null)
            {
                // The sale went away before the first read: subscribers are refused, not left waiting.
                _ready.TrySetCanceled(stop);
                return;
            }

            _ready.TrySetResult();
            while (!stop.IsCancellationRequested)
            {
                await WaitAsync(stop);
                var read = _clock.GetTimestamp();
                await TickAsync(stop);
                // Coalescing: whatever happens during this rest is one read and one update after it. Counted from the
                // read, so a paced fan-out is part of the rest, not added to it.
                var rest = Hub.UpdateInterval - _clock.GetElapsedTime(read);
                if (rest > TimeSpan.Zero)
                {
                    await Task.Delay(rest, _clock, stop);
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            _ready.TrySetCanceled(stop);
        }
        catch (Exception ex)
        {
            LogFeedFailed(_log, SaleId, ex);
            _ready.TrySetException(ex);
            Hub.Fail(this);
        }
    }

    /// <summary>
    /// The rest between two reads: <see cref="LiveOptions.MinInterval"/>, or longer when the instance's viewers, all
    /// feeds together, would otherwise receive more than the delivery budget a second
    /// (<see cref="LiveOptions.MaxDeliveriesPerSecondPerCore"/> × cores). Each delivery is a write and a send per
    /// viewer; at 10,000 viewers and 5 updates a second the fan-out took ~70% of a core and durable purchases on the
    /// watched sale fell from 25k to 5.7k a second (bench/live-buyers.sh).
    /// </summary>
    internal static TimeSpan RestAfterTick(LiveOptions options, int viewers, int cores)
    {
        if (options.MaxDeliveriesPerSecondPerCore == 0)
        {
            return options.MinInterval;
        }

        var spread = TimeSpan.FromSeconds(viewers / ((double)options.MaxDeliveriesPerSecondPerCore * cores));
        return spread > options.MinInterval ? spread : options.MinInterval;
    }

    /// <summary>Until a poke, the next window boundary, or the heartbeat, whichever is first.</summary>
    private async Task WaitAsync(CancellationToken stop)
    {
        var now = _clock.GetUtcNow();
        var wait = _lastSent + _options.HeartbeatInterval - now;
        if (_sale is not null)
        {
            // A little past the boundary, so the read sees the new status.
            var boundary = now < _sale.StartsAt ? _sale.StartsAt : now < _sale.EndsAt ? _sale.EndsAt : DateTimeOffset.MaxValue;
            if (boundary != DateTimeOffset.MaxValue && boundary - now + TimeSpan.FromMilliseconds(5) < wait)
            {
                wait = boundary - now + TimeSpan.FromMilliseconds(5);
            }
        }

        if (wait <= TimeSpan.Zero)
        {
            return;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stop);
        timeout.CancelAfter(wait);
        try
        {
            await _pokes.Reader.WaitToReadAsync(timeout.Token);
            _pokes.Reader.TryRead(out _);
        }
        catch (OperationCanceledException) when (!stop.IsCancellationRequested)
        {
            // The boundary or the heartbeat is due.
        }
    }

    private async Task TickAsync(CancellationToken stop)
    {
        var sale = await _sales.FindAsync(SaleId, stop);
        if (sale is null)
        {
            await PublishAsync(FeedFrame.Gone.Instance, stop);
            Hub.Fail(this);
            return;
        }

        _sale = sale;
        var stock = await _ledger.GetStockAsync(sale, stop);
        var now = _clock.GetUtcNow();
        var live = new LiveStock(sale.Id, stock.TotalStock, stock.Remaining, stock.Sold, sale.PerUserLimit, sale.Price, sale.Currency,
            sale.StatusAt(now, stock.Remaining), sale.StartsAt, sale.EndsAt, now);
        if (Current is null || !Current.SameAs(live))
        {
            Current = FeedState.Next(Current, live);
            await PublishAsync(new FeedFrame.Changed(Current), stop);
        }
        else if (now - _lastSent >= _options.HeartbeatInterval)
        {
            await PublishAsync(FeedFrame.Heartbeat.Instance, stop);
        }
    }

    /// <summary>
    /// Hands the frame to every subscriber, <see cref="FanOutChunk"/> at a time with a millisecond between chunks.
    /// Each handoff wakes that viewer's handler on the thread pool (a write and a send, ~15 µs), so 10,000 at once
    /// queued ~150 ms of work ahead of every purchase arriving meanwhile: with 10,000 viewers watching, the p99 of
    /// durable purchases on the watched sale was 156 ms; paced like this, 35–48 ms (bench/live-buyers.sh; chunks of 128
    /// gave 28 ms but spread one event over ~330 ms; yielding to the thread pool between chunks instead of pausing
    /// left it at 79–97 ms). A feed of 256 viewers or fewer is not paced at all.
    /// </summary>
    private async Task PublishAsync(FeedFrame frame, CancellationToken stop)
    {
        _lastSent = _clock.GetUtcNow();
        var subscribers = Subscribers();
        for (var i = 0; i < subscribers.Length; i++)
        {
            if (i > 0 && i % FanOutChunk == 0)
            {
                // Real time, not the sale clock: this spreads CPU work, it does not schedule anything for buyers.
                await Task.Delay(FanOutPause, stop);
            }

            subscribers[i].Offer(frame);
        }
    }

    [LoggerMessage(EventId = 7001, Level = LogLevel.Error, Message = "Live feed of sale {SaleId} failed")]
    private static partial void LogFeedFailed(ILogger log, Guid saleId, Exception ex);
}
