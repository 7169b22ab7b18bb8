using System.Threading.Channels;

namespace FlashSale.Live;

/// <summary>
/// One connected client. Its queue is tiny and drops the oldest frame: every frame is a whole
/// state, so a slow client skips to the newest one and never makes the server hold more.
/// </summary>
public sealed class FeedSubscriber : IDisposable
{
    public const int QueueCapacity = 4;

    private readonly Channel<FeedFrame> _queue = Channel.CreateBounded<FeedFrame>(
        new BoundedChannelOptions(QueueCapacity)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleReader = true,
            SingleWriter = true,
        });

    private readonly SaleFeed _feed;

    internal SaleFeed Feed => _feed;

    internal FeedSubscriber(SaleFeed feed) => _feed = feed;

    /// <summary>The latest state of the sale when this subscriber joined (after the feed's first read).</summary>
    public FeedState Current => _feed.Current!;

    public ChannelReader<FeedFrame> Frames => _queue.Reader;

    internal void Offer(FeedFrame frame) => _queue.Writer.TryWrite(frame);

    internal void Complete() => _queue.Writer.TryComplete();

    public void Dispose()
    {
        Complete();
        _feed.Hub.Unsubscribe(this);
    }
}

/// <summary>What the feed fans out: a new state, a heartbeat, or the sale's removal.</summary>
public abstract record FeedFrame
{
    private FeedFrame() { }

    public sealed record Changed(FeedState State) : FeedFrame;

    public sealed record Heartbeat : FeedFrame
    {
        public static readonly Heartbeat Instance = new();
        public static readonly byte[] Bytes = ": heartbeat\n\n"u8.ToArray();
    }

    public sealed record Gone : FeedFrame
    {
        public static readonly Gone Instance = new();
        public static readonly byte[] Bytes = "event: gone\ndata: {}\n\n"u8.ToArray();
    }
}
