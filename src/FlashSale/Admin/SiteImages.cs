using Microsoft.Extensions.FileProviders;

namespace FlashSale.Admin;

/// <summary>
/// A sale's image given as a path on this site must be a file under the web root (wwwroot): until 2026-12-07 any path was
/// taken, and the shop showed a broken image for a typo such as <c>/images/iphone15.svg</c> (the form's own example,
/// <c>/images/product.svg</c>, was no file either). An https address is not checked: another site's files are its own.
/// </summary>
public static class SiteImages
{
    public const string Missing = "names no file on this site: a path must be a file under the site's web root "
        + "(such as /images/iphone-15-pro.svg); an image elsewhere needs its https address.";

    /// <summary>Whether <paramref name="url"/> is a path on this site (not <c>//host</c> or <c>/\host</c>, another site to a browser).</summary>
    public static bool IsSitePath(string url) =>
        url.StartsWith('/') && !url.StartsWith("//", StringComparison.Ordinal) && !url.StartsWith("/\\", StringComparison.Ordinal);

    /// <summary>Whether <paramref name="url"/> is a site path with no file behind it (its query and fragment aside).</summary>
    public static bool HasNoFile(this IFileProvider webRoot, string? url)
    {
        if (url is null || !IsSitePath(url))
        {
            return false;
        }

        var path = url.Split('?', '#')[0];
        if (path.Contains("%2F", StringComparison.OrdinalIgnoreCase) || path.Contains("%5C", StringComparison.OrdinalIgnoreCase))
        {
            // An encoded slash is not a folder to the server (Kestrel keeps %2F as it is in the path): the file the decoded
            // path names would never be served at this address, and the shop would show a broken image.
            return true;
        }

        try
        {
            // As the static files middleware reads the address: %20 is a space in the file's name.
            path = Uri.UnescapeDataString(path);
        }
        catch (UriFormatException)
        {
            return true;
        }

        // The provider refuses paths that climb out of the root ("/../appsettings.json"): no file.
        var file = webRoot.GetFileInfo(path);
        return !file.Exists || file.IsDirectory;
    }
}
