using System.Text;
using System.Text.Json;
using FlashSale.Sales;

namespace FlashSale.Live;

/// <summary>
/// One observed state of a sale, serialised once and shared by every subscriber: the fan-out
/// copies a reference, never the bytes. <see cref="Version"/> is the SSE event id.
/// </summary>
public sealed class FeedState
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private FeedState(LiveStock stock, long version)
    {
        Stock = stock;
        Version = version;
        Update = Encode("stock", version, stock);
    }

    public LiveStock Stock { get; }

    public long Version { get; }

    /// <summary>The <c>event: stock</c> frame, as written to the wire.</summary>
    public byte[] Update { get; }

    /// <summary>
    /// Event ids are milliseconds of the observation, bumped to stay strictly increasing: they keep
    /// growing when a feed is stopped and started again, so a resuming client's id stays comparable.
    /// </summary>
    public static FeedState Next(FeedState? previous, LiveStock stock)
    {
        var version = Math.Max((previous?.Version ?? 0) + 1, stock.ServerTime.ToUnixTimeMilliseconds());
        return new FeedState(stock, version);
    }

    public bool SameAs(LiveStock other) => Stock with { ServerTime = other.ServerTime } == other;

    /// <summary>The first frame of a connection: the same state, stamped with the clock at connect time.</summary>
    public byte[] Snapshot(DateTimeOffset now) => Encode("snapshot", Version, Stock with { ServerTime = now });

    private static byte[] Encode(string name, long version, LiveStock stock)
    {
        var data = JsonSerializer.Serialize(stock, Json);
        return Encoding.UTF8.GetBytes($"id: {version}\nevent: {name}\ndata: {data}\n\n");
    }
}

/// <summary>
/// The payload of <c>snapshot</c> and <c>stock</c> events. The limit per buyer too: it may change before the start, while
/// buyers wait on the sale's page, and until 2026-12-06 their pages kept the limit they were drawn with. The price and
/// currency likewise (until the first order): until 2026-12-07 a page learned of a reprice only when a purchase was
/// refused <c>price_changed</c>.
/// </summary>
public sealed record LiveStock(
    Guid SaleId,
    int TotalStock,
    int RemainingStock,
    int Sold,
    int PerUserLimit,
    decimal Price,
    string Currency,
    SaleStatus Status,
    DateTimeOffset StartsAt,
    DateTimeOffset EndsAt,
    DateTimeOffset ServerTime);
