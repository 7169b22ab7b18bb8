using System.Threading.Channels;
using FlashSale.Purchasing;
using FlashSale.Sales;

namespace FlashSale.Live;

/// <summary>
/// The one feed of a sale on this instance. It wakes when the ledger says the stock may have
/// changed, when the sale's window opens or closes, or for a heartbeat; reads the stock once;
/// and fans the result out to every subscriber. Between reads it rests for
/// <see cref="LiveOptions.MinInterval"/>, so a burst of purchases becomes at most a few updates a second.
/// </summary>
internal sealed partial class SaleFeed
{
    private readonly Channel<bool> _pokes = Channel.CreateBounded<bool>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stop = new();
    private readonly ISaleStore _sales;
    private readonly IPurchaseLedger _ledger;
    private readonly TimeProvider _clock;
    private readonly LiveOptions _options;
    private readonly ILogger _log;
    private volatile FeedSubscriber[] _subscribers = [];
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

    /// <summary>Changed only under the hub's lock.</summary>
    public int Count => _subscribers.Length;

    public void Start() => _ = Task.Run(RunAsync);

    public void Poke() => _pokes.Writer.TryWrite(true);

    public void Stop()
    {
        _stop.Cancel();
        foreach (var subscriber in _subscribers)
        {
            subscriber.Complete();
        }
    }

    public void Add(FeedSubscriber subscriber) => _subscribers = [.. _subscribers, subscriber];

    public void Remove(FeedSubscriber subscriber) => _subscribers = Array.FindAll(_subscribers, s => s != subscriber);

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
                await TickAsync(stop);
                // Coalescing: whatever happens during this rest is one read and one update after it.
                await Task.Delay(_options.MinInterval, _clock, stop);
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
            Publish(FeedFrame.Gone.Instance);
            Hub.Fail(this);
            return;
        }

        _sale = sale;
        var stock = await _ledger.GetStockAsync(sale, stop);
        var now = _clock.GetUtcNow();
        var live = new LiveStock(sale.Id, stock.TotalStock, stock.Remaining, stock.Sold, sale.StatusAt(now, stock.Remaining),
            sale.StartsAt, sale.EndsAt, now);
        if (Current is null || !Current.SameAs(live))
        {
            Current = FeedState.Next(Current, live);
            Publish(new FeedFrame.Changed(Current));
        }
        else if (now - _lastSent >= _options.HeartbeatInterval)
        {
            Publish(FeedFrame.Heartbeat.Instance);
        }
    }

    private void Publish(FeedFrame frame)
    {
        _lastSent = _clock.GetUtcNow();
        foreach (var subscriber in _subscribers)
        {
            subscriber.Offer(frame);
        }
    }

    [LoggerMessage(EventId = 7001, Level = LogLevel.Error, Message = "Live feed of sale {SaleId} failed")]
    private static partial void LogFeedFailed(ILogger log, Guid saleId, Exception ex);
}
