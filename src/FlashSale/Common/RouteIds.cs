namespace FlashSale.Common;

/// <summary>
/// Route ids are parsed by hand rather than with a route constraint, so a malformed id gets the
/// same problem+json as an unknown one instead of an anonymous 404.
/// </summary>
public static class RouteIds
{
    /// <summary>
    /// An id in the D format, its 36 characters and nothing else: Guid parsing trims whitespace, so until 2026-12-07
    /// <c>/api/v1/sales/%20{id}</c> or <c>{id}%0A</c> was the sale.
    /// </summary>
    public static bool TryParse(string? raw, out Guid id)
    {
        id = Guid.Empty;
        return raw is { Length: 36 } && Guid.TryParseExact(raw, "D", out id) && id != Guid.Empty;
    }
}
