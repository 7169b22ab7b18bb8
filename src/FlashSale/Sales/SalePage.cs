using FlashSale.Common;
using System.Globalization;

namespace FlashSale.Sales;

/// <summary>
/// One page of a sale list, in the order sales are listed (start time, then creation time, then id) and after a
/// cursor. The cursor is the position of the last sale of the previous page, not an offset, so a sale created or
/// deleted between two requests neither repeats nor skips another. Stock is read only for the sales a page can
/// hold: a list of every sale ever read the stock of each (after a Redis loss, a rebuild of each from the record).
/// Where the stock comes from is the caller's (the public list: <see cref="ListStockCache"/>); the status, the filter
/// and the paging are always this request's, at <c>now</c>.
/// </summary>
internal static class SalePage
{
    public const int DefaultSize = 100;
    public const int MaxSize = 1000;

    /// <summary>
    /// Up to <paramref name="size"/> sales after <paramref name="after"/> that pass <paramref name="filter"/>, and the
    /// cursor of the next page (null when this is the last). <paramref name="readStocks"/> gives the stock of several
    /// sales, in their order.
    /// </summary>
    public static async Task<(List<SaleResponse> Items, string? NextCursor)> ReadAsync(IReadOnlyList<Sale> all,
        SalePosition? after, SaleFilter filter, int size,
        Func<IReadOnlyList<Sale>, CancellationToken, Task<IReadOnlyList<StockLevel>>> readStocks, DateTimeOffset now, CancellationToken ct)
    {
        // The window decides every status but active vs sold_out, so only sales that can match need their stock.
        var wanted = filter.Status;
        var candidates = all.Where(s => (after is null || SalePosition.Of(s).CompareTo(after.Value) > 0)
                                        && (filter.EndsAfter is not { } endsAfter || s.EndsAt > endsAfter)
                                        // As the stores hold SKUs unique: ignoring case (SKUs are ASCII).
                                        && (filter.Sku is null || string.Equals(s.Sku, filter.Sku, StringComparison.OrdinalIgnoreCase))
                                        && CanHave(s, wanted, now))
            .OrderBy(SalePosition.Of).ToList();
        var items = new List<SaleResponse>(Math.Min(size, candidates.Count));
        Sale? last = null;
        // One more than the page holds tells whether another page follows.
        for (var start = 0; start < candidates.Count; start += size + 1)
        {
            var chunk = candidates.GetRange(start, Math.Min(size + 1, candidates.Count - start));
            var stocks = await readStocks(chunk, ct);
            for (var i = 0; i < chunk.Count; i++)
            {
                var response = SaleResponse.From(chunk[i], stocks[i], now);
                if (wanted is null || response.Status == wanted)
                {
                    if (items.Count == size)
                    {
                        return (items, SalePosition.Of(last!).ToCursor());
                    }

                    items.Add(response);
                    last = chunk[i];
                }
            }
        }

        return (items, null);
    }

    private static bool CanHave(Sale sale, SaleStatus? wanted, DateTimeOffset now) => wanted switch
    {
        null => true,
        SaleStatus.Upcoming => now < sale.StartsAt,
        SaleStatus.Ended => now >= sale.EndsAt,
        _ => sale.IsOpenAt(now), // active or sold_out: the stock decides
    };
}

/// <summary>
/// Which sales a list holds: those with one status now (any when null), and those ending after an instant (any when
/// null; the home page's poll: its open cards and the recently ended ones it shows, not every sale ever run), and the one sale
/// with a SKU (any when null).
/// </summary>
public readonly record struct SaleFilter(SaleStatus? Status, DateTimeOffset? EndsAfter = null, string? Sku = null);

/// <summary>Where a sale stands in a list: its start, its creation, its id (unique, so the order is total).</summary>
public readonly record struct SalePosition(long StartsAtTicks, long CreatedAtTicks, Guid Id) : IComparable<SalePosition>
{
    public static SalePosition Of(Sale sale) => new(sale.StartsAt.UtcTicks, sale.CreatedAt.UtcTicks, sale.Id);

    public int CompareTo(SalePosition other) =>
        StartsAtTicks != other.StartsAtTicks ? StartsAtTicks.CompareTo(other.StartsAtTicks)
        : CreatedAtTicks != other.CreatedAtTicks ? CreatedAtTicks.CompareTo(other.CreatedAtTicks)
        : Id.CompareTo(other.Id);

    /// <summary>The cursor a page hands out: <c>{startTicks}.{createdTicks}.{id}</c>, opaque to clients.</summary>
    public string ToCursor() => string.Create(CultureInfo.InvariantCulture, $"{StartsAtTicks}.{CreatedAtTicks}.{Id:N}");

    /// <summary>An optional cursor: none (null) is the first page; false only for one <see cref="ToCursor"/> did not make.</summary>
    public static bool TryParseOptional(string? raw, out SalePosition? position)
    {
        position = null;
        if (raw is null)
        {
            return true;
        }

        if (!TryParse(raw, out var parsed))
        {
            return false;
        }

        position = parsed;
        return true;
    }

    /// <summary>Parses a cursor <see cref="ToCursor"/> made; false for anything else.</summary>
    public static bool TryParse(string raw, out SalePosition position)
    {
        position = default;
        var parts = raw.Length <= 80 ? raw.Split('.') : [];
        if (parts.Length == 3
            && PlainNumber.TryParse(parts[0], out long starts)
            && PlainNumber.TryParse(parts[1], out long created)
            && starts <= DateTimeOffset.MaxValue.UtcTicks && created <= DateTimeOffset.MaxValue.UtcTicks
            && Guid.TryParseExact(parts[2], "N", out var id))
        {
            position = new SalePosition(starts, created, id);
            return true;
        }

        return false;
    }
}
