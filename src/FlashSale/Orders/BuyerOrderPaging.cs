using FlashSale.Common;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FlashSale.Orders;

/// <summary>
/// The query of a page of one buyer's orders, newest first (the buyer's own list, the admin's look-up of a buyer):
/// <c>limit</c> 1–1000 (100 when absent) and <c>cursor</c>, the id of the last order of the page before.
/// </summary>
public static class BuyerOrderPaging
{
    public const string LimitDoc = "Orders per page, 1-1000 (default 100).";

    public const int DefaultSize = 100;

    public const int MaxSize = 1000;

    /// <summary>The page's size and the order it follows (none for the first page), or the problem with either.</summary>
    public static ProblemHttpResult? TryParse(string? limit, string? cursor, out int size, out Guid? after)
    {
        after = null;
        if (QueryLimit.TryParse(limit, DefaultSize, MaxSize, out size) is { } badLimit)
        {
            return badLimit;
        }

        if (cursor is null)
        {
            return null;
        }

        if (!Guid.TryParseExact(cursor, "D", out var id))
        {
            return ApiProblem.InvalidCursor();
        }

        after = id;
        return null;
    }
}
