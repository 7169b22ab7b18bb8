using System.ComponentModel.DataAnnotations;

namespace FlashSale.Live;

public sealed class LiveOptions
{
    public const string Section = "Live";

    /// <summary>Least time between two reads of a sale's stock: 200 ms is at most 5 updates a second.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:00:10")]
    public TimeSpan MinInterval { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>A comment line after this much silence keeps proxies from closing the stream.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>The reconnection delay suggested to EventSource clients (<c>retry:</c>).</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan Retry { get; set; } = TimeSpan.FromSeconds(2);
}
