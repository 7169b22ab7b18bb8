using System.Globalization;
using FlashSale.Common;
using FlashSale.Sales;

namespace FlashSale.Purchasing;

/// <summary>
/// A sale's terms as the purchase ledger holds them (<see cref="IPurchaseLedger.GetTermsAsync"/>): what it decides by.
/// Compared with the record's sale by reconciliation: an admin change that stopped between its steps (an instance
/// killed, or a failed write whose read-back failed too) leaves the ledger shut, ended early, cut or withdrawn while the
/// record says otherwise. <c>Withdrawn</c>: closed to purchases for a delete (distributed: <c>withdrawn</c> in the meta).
/// </summary>
public sealed record LedgerTerms(int TotalStock, int PerUserLimit, DateTimeOffset StartsAt, DateTimeOffset EndsAt,
    decimal Price, string Currency, bool Withdrawn)
{
    /// <summary>
    /// What differs from the record's <paramref name="recorded"/> sale, each field as "ledger → record"
    /// ("totalStock 100 → 300; endsAt …"); null when nothing does. Times at the millisecond (Redis keeps unix ms, the
    /// record's writes are cut to it), prices as numbers (1.5 and 1.50 are one price).
    /// </summary>
    public string? DifferencesFrom(Sale recorded)
    {
        var differences = new List<string>();
        Add(differences, "totalStock", TotalStock, recorded.TotalStock);
        Add(differences, "perUserLimit", PerUserLimit, recorded.PerUserLimit);
        Add(differences, "startsAt", Ms(StartsAt), Ms(recorded.StartsAt), Time);
        Add(differences, "endsAt", Ms(EndsAt), Ms(recorded.EndsAt), Time);
        Add(differences, "price", Money.Normalize(Price), Money.Normalize(recorded.Price));
        Add(differences, "currency", Currency, recorded.Currency);
        if (Withdrawn)
        {
            differences.Add("withdrawn → trading");
        }

        return differences.Count == 0 ? null : string.Join("; ", differences);
    }

    private static long Ms(DateTimeOffset at) => at.ToUnixTimeMilliseconds();

    private static string Time(long ms) =>
        DateTimeOffset.FromUnixTimeMilliseconds(ms).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static void Add<T>(List<string> differences, string field, T ledger, T record, Func<T, string>? text = null)
        where T : notnull
    {
        if (!EqualityComparer<T>.Default.Equals(ledger, record))
        {
            text ??= v => Convert.ToString(v, CultureInfo.InvariantCulture) ?? "";
            differences.Add($"{field} {text(ledger)} → {text(record)}");
        }
    }
}
