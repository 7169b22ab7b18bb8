using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using FlashSale.Sales;

namespace FlashSale.Web;

/// <summary>
/// The edit form's version token: a hash of the sale's editable fields as the form was drawn from them, posted back in a
/// hidden field. A save whose token is not the sale's as it is now was typed over values another tab or admin has changed
/// since: it is not saved (optimistic concurrency). Until 2026-12-07 the update compared the posted fields with the sale as
/// it was at the save, so every field the other tab had changed counted as this form's change, and was put back.
/// Not a secret: it only tells versions apart. The sale's exact values are hashed (times to the tick), so a change made
/// through the API that the form's minute cannot show is still a change.
/// </summary>
internal static class SaleFormVersion
{
    /// <summary>The hidden field's name.</summary>
    public const string Field = "version";

    public static string Of(Sale sale)
    {
        var text = new StringBuilder(256);
        foreach (var part in new[]
                 {
                     sale.Sku, sale.ProductName, sale.Description, sale.Price.ToString(CultureInfo.InvariantCulture), sale.Currency,
                     sale.ImageUrl ?? "\u0001null", sale.TotalStock.ToString(CultureInfo.InvariantCulture),
                     sale.PerUserLimit.ToString(CultureInfo.InvariantCulture),
                     sale.StartsAt.UtcTicks.ToString(CultureInfo.InvariantCulture), sale.EndsAt.UtcTicks.ToString(CultureInfo.InvariantCulture),
                 })
        {
            // Length-prefixed: no value can end where another begins ("ab"+"c" and "a"+"bc" hash apart).
            text.Append(part.Length.ToString(CultureInfo.InvariantCulture)).Append(':').Append(part);
        }

        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString()));
        return Convert.ToBase64String(hash, 0, 16).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    /// <summary>
    /// Whether a form drawn with <paramref name="posted"/> is out of date. A post without a token (a page drawn before the
    /// token existed) is taken as before: compared with the sale as it is now.
    /// </summary>
    public static bool IsStale(string? posted, Sale now) =>
        !string.IsNullOrEmpty(posted) && !CryptographicOperations.FixedTimeEquals(
            Encoding.ASCII.GetBytes(posted.Trim()), Encoding.ASCII.GetBytes(Of(now)));
}
