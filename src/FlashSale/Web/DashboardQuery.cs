using System.Globalization;
using FlashSale.Common;
using FlashSale.Sales;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FlashSale.Web;

/// <summary>Which sales the dashboard's table lists: those in one group, or all of them.</summary>
public enum DashboardFilter
{
    All,
    Live,
    Upcoming,
    Ended,
}

/// <summary>
/// Where a sale stands in the dashboard's table: live sales first (newest start first), then upcoming ones (soonest start
/// first), then ended ones (latest end first). Until 2026-12-07 the table was newest start first alone, and on a launch
/// day with 45 sales scheduled the 7 live ones were pushed to the second page. The group is worked out by the clock
/// alone (live is on sale or sold out: the stock never moves a sale between groups), so no stock is read to order or
/// to page. A cursor is a position, not an offset: a sale created or edited between two pages neither repeats nor skips
/// another; a sale that changed group meanwhile (it opened, it ended) is where a reload of the first page puts it.
/// </summary>
public readonly record struct DashboardPosition(int Group, long Ticks, long CreatedTicks, Guid Id) : IComparable<DashboardPosition>
{
    public const int LiveGroup = 0;
    public const int UpcomingGroup = 1;
    public const int EndedGroup = 2;

    public static DashboardPosition Of(Sale sale, DateTimeOffset now) =>
        now < sale.StartsAt ? new(UpcomingGroup, sale.StartsAt.UtcTicks, sale.CreatedAt.UtcTicks, sale.Id)
        : now >= sale.EndsAt ? new(EndedGroup, sale.EndsAt.UtcTicks, sale.CreatedAt.UtcTicks, sale.Id)
        : new(LiveGroup, sale.StartsAt.UtcTicks, sale.CreatedAt.UtcTicks, sale.Id);

    public int CompareTo(DashboardPosition other)
    {
        if (Group != other.Group)
        {
            return Group.CompareTo(other.Group);
        }

        // Upcoming: the soonest first. Live and ended: the latest first (the newest start, the latest end).
        var within = Ticks != other.Ticks ? Ticks.CompareTo(other.Ticks)
            : CreatedTicks != other.CreatedTicks ? CreatedTicks.CompareTo(other.CreatedTicks)
            : Id.CompareTo(other.Id);
        return Group == UpcomingGroup ? within : -within;
    }

    public bool In(DashboardFilter filter) => filter switch
    {
        DashboardFilter.Live => Group == LiveGroup,
        DashboardFilter.Upcoming => Group == UpcomingGroup,
        DashboardFilter.Ended => Group == EndedGroup,
        _ => true,
    };

    /// <summary><c>{group}.{ticks}.{createdTicks}.{id}</c>, opaque to the page's reader.</summary>
    public string ToCursor() => string.Create(CultureInfo.InvariantCulture, $"{Group}.{Ticks}.{CreatedTicks}.{Id:N}");

    /// <summary>Parses a cursor <see cref="ToCursor"/> made; false for anything else.</summary>
    public static bool TryParse(string raw, out DashboardPosition position)
    {
        position = default;
        var parts = raw.Length <= 80 ? raw.Split('.') : [];
        if (parts.Length == 4
            && PlainNumber.TryParse(parts[0], out int group) && group is >= LiveGroup and <= EndedGroup
            && PlainNumber.TryParse(parts[1], out long ticks) && ticks <= DateTimeOffset.MaxValue.UtcTicks
            && PlainNumber.TryParse(parts[2], out long created) && created <= DateTimeOffset.MaxValue.UtcTicks
            && Guid.TryParseExact(parts[3], "N", out var id))
        {
            position = new DashboardPosition(group, ticks, created, id);
            return true;
        }

        return false;
    }
}

/// <summary>
/// The dashboard's query: a filter (<c>status=live|upcoming|ended</c>, all when absent), a search of the SKU or product
/// name (<c>q=</c>, any part of either, ignoring case) and a page: the sales after a position (<c>after=</c>, the next
/// page) or before one (<c>before=</c>, the previous page), the first when neither. The page, <c>GET /admin/live</c>
/// and every link between them carry it whole, so a reload, the script's reads and the pager list the same sales.
/// </summary>
public sealed record DashboardQuery(DashboardFilter Filter, string? Search, DashboardPosition? After, DashboardPosition? Before)
{
    /// <summary>
    /// Asked with a pager link of the table as it was until 2026-12-07 (<c>before=</c> a <see cref="SalePosition"/>, newest
    /// start first): that page is not one of the table's pages now, so the query is the first page (of its filter and
    /// search), and the page says so. Until 2026-12-07 such a bookmark was a 400.
    /// </summary>
    public bool IsOldLink { get; private init; }

    /// <summary>A search longer than a SKU or product name can be finds nothing; a bound keeps the scan cheap.</summary>
    public const int MaxSearchLength = 200;

    public static readonly DashboardQuery Default = new(DashboardFilter.All, null, null, null);

    public bool IsFirstPage => After is null && Before is null;

    public static ProblemHttpResult? TryParse(string? status, string? q, string? after, string? before, out DashboardQuery query)
    {
        query = Default;
        DashboardFilter? filter = status switch
        {
            null or "" or "all" => DashboardFilter.All,
            "live" => DashboardFilter.Live,
            "upcoming" => DashboardFilter.Upcoming,
            "ended" => DashboardFilter.Ended,
            _ => null,
        };
        if (filter is null)
        {
            return ApiProblem.Validation("status", "must be one of all, live, upcoming, ended.");
        }

        var search = string.IsNullOrWhiteSpace(q) ? null : q.Trim();
        if (search is { Length: > MaxSearchLength })
        {
            return ApiProblem.Validation("q", $"must be at most {MaxSearchLength} characters.");
        }

        DashboardPosition? afterPosition = null, beforePosition = null;
        if (after is not null)
        {
            if (!DashboardPosition.TryParse(after, out var parsed))
            {
                return ApiProblem.Validation("after", "is not a link this page gave.");
            }

            afterPosition = parsed;
        }

        var oldLink = false;
        if (before is not null)
        {
            if (afterPosition is null && SalePosition.TryParse(before, out _))
            {
                oldLink = true;
            }
            else if (!DashboardPosition.TryParse(before, out var parsed) || afterPosition is not null)
            {
                return ApiProblem.Validation("before", "is not a link this page gave.");
            }
            else
            {
                beforePosition = parsed;
            }
        }

        query = new DashboardQuery(filter.Value, search, afterPosition, beforePosition) { IsOldLink = oldLink };
        return null;
    }

    /// <summary>Whether the sale is one the search asks for: any part of its SKU or product name, ignoring case.</summary>
    public bool Matches(Sale sale) => Search is null
        || sale.Sku.Contains(Search, StringComparison.OrdinalIgnoreCase)
        || sale.ProductName.Contains(Search, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The query string of this filter and search (no page), with <paramref name="page"/> appended ("after=…"), or empty:
    /// "?status=live&amp;q=phone&amp;after=…" — raw, for <see cref="Html.H"/> to escape.
    /// </summary>
    public string QueryString(DashboardFilter? filter = null, string? page = null)
    {
        var parts = new List<string>(3);
        var shown = filter ?? Filter;
        if (shown != DashboardFilter.All)
        {
            parts.Add("status=" + Word(shown));
        }

        if (Search is not null)
        {
            parts.Add("q=" + Uri.EscapeDataString(Search));
        }

        if (page is not null)
        {
            parts.Add(page);
        }

        return parts.Count == 0 ? "" : "?" + string.Join('&', parts);
    }

    /// <summary>This page's own query string, the position included: what its live reads ask for.</summary>
    public string PageQueryString() => QueryString(page: After is { } a ? "after=" + a.ToCursor()
        : Before is { } b ? "before=" + b.ToCursor() : null);

    public static string Word(DashboardFilter filter) => filter switch
    {
        DashboardFilter.Live => "live",
        DashboardFilter.Upcoming => "upcoming",
        DashboardFilter.Ended => "ended",
        _ => "all",
    };
}
