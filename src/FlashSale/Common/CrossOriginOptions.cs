namespace FlashSale.Common;

/// <summary>
/// <c>Cors</c> in configuration: which other origins' pages may call the JSON API from a browser (a storefront on the
/// shop's own domain, say). Empty, the default: none; the pages FlashSale serves are same-origin and need nothing.
/// </summary>
public sealed class CrossOriginOptions
{
    public const string Section = "Cors";

    /// <summary>
    /// Origins exactly as a browser sends them (<c>https://shop.example.com</c>, <c>http://localhost:5173</c>: scheme,
    /// host and a port other than the scheme's, nothing after), or <c>*</c> alone for any origin.
    /// </summary>
    public string[] AllowedOrigins { get; set; } = [];

    /// <summary>Why <paramref name="entry"/> can never match a browser's <c>Origin</c>; null when it can.</summary>
    public static string? Problem(string entry)
    {
        if (entry == "*")
        {
            return null;
        }

        if (!Uri.TryCreate(entry, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.Host.Length == 0)
        {
            return $"'{entry}' is not an origin such as https://shop.example.com";
        }

        if (uri.UserInfo.Length > 0)
        {
            return $"'{entry}' is not an origin as a browser sends it: an origin has no user part";
        }

        if (entry.Any(c => c > 127))
        {
            // Browsers send an international host in its ASCII form (punycode).
            return $"'{entry}' is not an origin as a browser sends it: write the host as browsers send it, {uri.IdnHost}";
        }

        // A browser's Origin is scheme://host[:port] and nothing more, so "https://shop.example.com/" never matches.
        var origin = uri.GetLeftPart(UriPartial.Authority);
        return string.Equals(origin, entry, StringComparison.OrdinalIgnoreCase)
            ? null
            : $"'{entry}' is not an origin as a browser sends it: write {origin} (scheme, host and port only{(uri.IsDefaultPort ? ", the scheme's own port left out" : "")})";
    }

    /// <summary>Every reason the setting cannot work as written, one message each.</summary>
    public IEnumerable<string> Problems()
    {
        foreach (var entry in AllowedOrigins)
        {
            if (Problem(entry) is { } problem)
            {
                yield return $"{Section}:AllowedOrigins: {problem} (environment variables {Section}__AllowedOrigins__0, __1, …)";
            }
        }

        if (AllowedOrigins.Contains("*") && AllowedOrigins.Length > 1)
        {
            yield return $"{Section}:AllowedOrigins: '*' allows every origin; list origins or give '*' alone";
        }
    }
}
