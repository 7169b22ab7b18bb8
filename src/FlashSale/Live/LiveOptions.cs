using System.ComponentModel.DataAnnotations;

namespace FlashSale.Live;

public sealed class LiveOptions
{
    public const string Section = "Live";

    /// <summary>Least time between two reads of a sale's stock: 200 ms is at most 5 updates a second.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:00:10")]
    public TimeSpan MinInterval { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// Most frames this instance's feeds deliver a second, per core (0: no cap). A delivery costs the server ~15 µs
    /// (bench/live.sh: the frame's write and flush, one send through TCP per viewer), so 20,000 a second is ~30% of a
    /// core; purchases keep the rest. With more viewers than that at <see cref="MinInterval"/>, every feed rests
    /// longer between reads (viewers / budget): 10,000 viewers of a selling sale on one core get 2 updates a second
    /// instead of 5, and the purchases they watch keep most of the core.
    /// </summary>
    [Range(0, 10_000_000)]
    public int MaxDeliveriesPerSecondPerCore { get; set; } = 20_000;

    /// <summary>A comment line after this much silence keeps proxies from closing the stream.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Most live streams open at once from one client address (IPv6 per /64); 0: no cap. Generous for an office or a
    /// carrier's NAT full of viewers, far below what it takes to hold every connection of an instance.
    /// </summary>
    [Range(0, 100_000)]
    public int MaxStreamsPerClient { get; set; } = 100;

    /// <summary>The reconnection delay suggested to EventSource clients (<c>retry:</c>).</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan Retry { get; set; } = TimeSpan.FromSeconds(2);
}
