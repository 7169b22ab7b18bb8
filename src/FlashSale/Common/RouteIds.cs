namespace FlashSale.Common;

/// <summary>
/// Route ids are parsed by hand rather than with a route constraint, so a malformed id gets the
/// same problem+json as an unknown one instead of an anonymous 404.
/// </summary>
public static class RouteIds
{
    public static bool TryParse(string? raw, out Guid id) =>
        Guid.TryParseExact(raw, "D", out id) && id != Guid.Empty;
}
