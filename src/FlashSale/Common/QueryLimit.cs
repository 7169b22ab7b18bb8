using Microsoft.AspNetCore.Http.HttpResults;

namespace FlashSale.Common;

/// <summary>
/// A <c>limit</c> query parameter read by hand: a bound <c>int?</c> that fails to parse ("ten") becomes a
/// framework exception (a 500 in Development), not our 400 with a reason.
/// </summary>
public static class QueryLimit
{
    /// <summary>The OpenAPI description of a paged list's <c>cursor</c> parameter.</summary>
    public const string CursorDoc = "The nextCursor of the previous page; absent for the first page.";

    public static ProblemHttpResult? TryParse(string? raw, int fallback, int max, out int limit)
    {
        limit = fallback;
        if (raw is null)
        {
            return null;
        }

        return PlainNumber.TryParse(raw, out limit) && limit >= 1 && limit <= max
            ? null
            : ApiProblem.Validation("limit", $"must be a whole number between 1 and {max}.");
    }
}
