using System.ComponentModel;
using FlashSale.Common;
using FlashSale.Purchasing;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FlashSale.Sales;

public static class SalesApi
{
    public static RouteGroupBuilder MapSales(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/sales").WithTags("Sales");
        group.MapGet("/", ListAsync).WithName("ListSales")
            .WithSummary("The sales with their live status and stock, a page at a time (cursor), optionally only those with one status.")
            .WithDescription("The stock shown may be up to `Sales:ListStockMaxAge` old (1 s by default; it is kept per server "
                + "instance); the status is worked out from that stock and the server's clock at the request (`serverTime`). "
                + "A sale's own endpoints (`/api/v1/sales/{id}`, `/stock`) and purchases read the stock exact at the request; "
                + "its live feed (`/events`) reads it exact once per update tick (200 ms or more, longer with many viewers).")
            .Refuses(StatusCodes.Status400BadRequest, Reasons.ValidationFailed);
        group.MapGet("/{id}", GetSale).WithName("GetSale").WithSummary("One sale, with remaining stock and the server's clock.")
            .Refuses(StatusCodes.Status404NotFound, Reasons.SaleNotFound);
        group.MapGet("/{id}/stock", GetStock).WithName("GetStock").WithSummary("The stock of one sale, cheap to poll.")
            .Refuses(StatusCodes.Status404NotFound, Reasons.SaleNotFound);
        return group;
    }

    internal const string StatusFilter = "Only the sales with this status now: upcoming, active, sold_out or ended (400 otherwise). Every sale when absent.";
    internal const string SkuFilter = "Only the sale with this SKU (any case; SKUs are unique, so at most one). Every sale when absent.";
    /// <summary>The <c>status</c> filter's words, as the sales' own <c>status</c> writes them.</summary>
    internal const string StatusWords = "upcoming,active,sold_out,ended";

    internal const string LimitDoc = "Sales per page, 1-1000 (default 100).";
    internal const string EndsAfterDoc = "Only the sales whose end is later than this instant (ISO 8601 with its offset, e.g. " +
        "2026-12-06T08:00:00Z; 400 otherwise): every sale not yet ended and those ended since. Every sale when absent.";

    // A page of the sales, or of those with one status (as of now: Sale.StatusAt with the stock of up to
    // Sales:ListStockMaxAge ago, ListStockCache), in start order; nextCursor fetches the next page (SalePage). Not an
    // XML doc comment: the OpenAPI document would take it for the operation's summary, C# signatures included, over
    // WithSummary.
    internal static Task<Results<Ok<SaleListResponse>, ProblemHttpResult>> ListAsync([Description(StatusFilter), OneOf(StatusWords)] string? status,
        [Description(EndsAfterDoc)] string? endsAfter, [Description(SkuFilter)] string? sku, [Description(LimitDoc), WholeNumber(1, SalePage.MaxSize, SalePage.DefaultSize)] string? limit,
        [Description(QueryLimit.CursorDoc)] string? cursor, ISaleStore sales, ListStockCache stocks, TimeProvider clock, CancellationToken ct) =>
        // The home page polls this list from every open tab: its stock comes from the per-instance cache.
        ListPageAsync(new SaleListQuery(status, endsAfter, sku, limit, cursor), sales, stocks.GetStocksAsync, clock, ct);

    /// <summary>
    /// A page of a sale list with the stock from <paramref name="readStocks"/>: the public list's cached, the admin
    /// list's exact. The sales are the store's and the status is worked out at this request's clock either way.
    /// </summary>
    internal static async Task<Results<Ok<SaleListResponse>, ProblemHttpResult>> ListPageAsync(SaleListQuery query, ISaleStore sales,
        Func<IReadOnlyList<Sale>, CancellationToken, Task<IReadOnlyList<StockLevel>>> readStocks, TimeProvider clock, CancellationToken ct)
    {
        var (status, endsAfter, sku, limit, cursor) = query;
        if (!TryParseStatus(status, out var wanted))
        {
            return ApiProblem.Validation("status", "must be one of upcoming, active, sold_out, ended.");
        }

        if (!TryParseInstant(endsAfter, out var endingAfter))
        {
            return ApiProblem.Validation("endsAfter", InstantConverter.IsOutOfRange(endsAfter!)
                ? InstantConverter.OutOfRangeParameter
                : "must be an ISO 8601 date and time with its offset, such as 2026-12-06T08:00:00Z.");
        }

        if (sku is { Length: 0 or > MaxSkuLength })
        {
            return ApiProblem.Validation("sku", $"must be 1-{MaxSkuLength} characters when given.");
        }

        if (QueryLimit.TryParse(limit, SalePage.DefaultSize, SalePage.MaxSize, out var size) is { } badLimit)
        {
            return badLimit;
        }

        if (!SalePosition.TryParseOptional(cursor, out var after))
        {
            return ApiProblem.InvalidCursor();
        }

        var now = clock.GetUtcNow();
        var (items, next) = await SalePage.ReadAsync(await sales.ListAsync(ct), after, new SaleFilter(wanted, endingAfter, sku), size, readStocks,
            now, ct);
        return TypedResults.Ok(new SaleListResponse(items, next, now));
    }

    /// <summary>A sale's SKU is at most this long (<see cref="Admin.CreateSaleRequest"/>): a longer one names no sale.</summary>
    private const int MaxSkuLength = 64;

    /// <summary>An optional instant: absent is none; false for anything but ISO 8601 with an offset (a local time would mean the server's zone).</summary>
    private static bool TryParseInstant(string? raw, out DateTimeOffset? instant)
    {
        instant = null;
        if (raw is null)
        {
            return true;
        }

        // As a body's instants are read: ISO 8601 with an offset, nothing guessed (until 2026-12-07 "01/02/2030 10:00Z" was
        // 2 January, month first).
        if (!InstantConverter.TryParse(raw, out var parsed))
        {
            return false;
        }

        instant = parsed.ToUniversalTime();
        return true;
    }

    private static bool TryParseStatus(string? raw, out SaleStatus? status)
    {
        status = raw switch
        {
            "upcoming" => SaleStatus.Upcoming,
            "active" => SaleStatus.Active,
            "sold_out" => SaleStatus.SoldOut,
            "ended" => SaleStatus.Ended,
            _ => null,
        };
        return raw is null || status is not null;
    }

    private static async Task<Results<Ok<SaleResponse>, ProblemHttpResult>> GetSale(string id, ISaleStore sales,
        IPurchaseLedger ledger, TimeProvider clock, CancellationToken ct)
    {
        var sale = await FindAsync(id, sales, ct);
        if (sale is null)
        {
            return SaleNotFound();
        }

        var stock = await ledger.GetStockAsync(sale, ct);
        return TypedResults.Ok(SaleResponse.From(sale, stock, clock.GetUtcNow()));
    }

    private static async Task<Results<Ok<StockResponse>, ProblemHttpResult>> GetStock(string id, ISaleStore sales,
        IPurchaseLedger ledger, TimeProvider clock, CancellationToken ct)
    {
        var sale = await FindAsync(id, sales, ct);
        if (sale is null)
        {
            return SaleNotFound();
        }

        var stock = await ledger.GetStockAsync(sale, ct);
        var now = clock.GetUtcNow();
        return TypedResults.Ok(new StockResponse(sale.Id, stock.TotalStock, stock.Remaining, stock.Sold,
            sale.StatusAt(now, stock.Remaining), now));
    }

    internal static async Task<Sale?> FindAsync(string rawId, ISaleStore sales, CancellationToken ct) =>
        RouteIds.TryParse(rawId, out var id) ? await sales.FindAsync(id, ct) : null;

    internal static ProblemHttpResult SaleNotFound() =>
        ApiProblem.SaleNotFound();
}

/// <summary>A sale list's query string, as the client sent it (validated by <see cref="SalesApi.ListPageAsync"/>).</summary>
internal readonly record struct SaleListQuery(string? Status, string? EndsAfter, string? Sku, string? Limit, string? Cursor);
