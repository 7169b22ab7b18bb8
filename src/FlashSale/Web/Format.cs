using System.Globalization;
using FlashSale.Sales;

namespace FlashSale.Web;

public static class Format
{
    private static readonly CultureInfo Culture = CultureInfo.InvariantCulture;

    public static string Money(decimal amount, string currency) => currency == "USD"
        ? "$" + amount.ToString("#,0.00", Culture)
        : amount.ToString("#,0.00", Culture) + " " + currency;

    /// <summary>Axis labels: $3.1k rather than $3,123.50.</summary>
    public static string Compact(decimal amount, string currency)
    {
        var text = amount >= 1_000_000 ? (amount / 1_000_000).ToString("0.#", Culture) + "M"
            : amount >= 1_000 ? (amount / 1_000).ToString("0.#", Culture) + "k"
            : amount.ToString("0.##", Culture);
        return currency == "USD" ? "$" + text : text + " " + currency;
    }

    /// <summary>Short UTC time for tables: the year only when it is not <paramref name="now"/>'s (UTC).</summary>
    public static string Short(DateTimeOffset at, DateTimeOffset now) =>
        at.UtcDateTime.ToString(at.UtcDateTime.Year == now.UtcDateTime.Year ? "d MMM, HH:mm" : "d MMM yyyy, HH:mm", Culture);

    public static string Number(long value) => value.ToString("#,0", Culture);

    public static string Iso(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", Culture);

    public static string Utc(DateTimeOffset at) => at.UtcDateTime.ToString("d MMM yyyy, HH:mm 'UTC'", Culture);

    /// <summary>For <c>datetime-local</c> inputs, which the admin reads and writes as UTC.</summary>
    public static string Local(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm", Culture);

    public static string Duration(TimeSpan span)
    {
        if (span < TimeSpan.Zero)
        {
            span = TimeSpan.Zero;
        }

        return span.TotalDays >= 1 ? $"{(int)span.TotalDays} d {span.Hours} h"
            : span.TotalHours >= 1 ? $"{(int)span.TotalHours} h {span.Minutes} min"
            : span.TotalMinutes >= 1 ? $"{(int)span.TotalMinutes} min {span.Seconds} s"
            : $"{span.Seconds} s";
    }

    public static string Status(SaleStatus status) => status switch
    {
        SaleStatus.Upcoming => "Upcoming",
        SaleStatus.Active => "On sale",
        SaleStatus.SoldOut => "Sold out",
        _ => "Ended",
    };

    public static string StatusCode(SaleStatus status) => status switch
    {
        SaleStatus.Upcoming => "upcoming",
        SaleStatus.Active => "active",
        SaleStatus.SoldOut => "sold_out",
        _ => "ended",
    };

    /// <summary>The text the countdown starts with before the script takes over (or without it).</summary>
    public static string Countdown(Sale sale, DateTimeOffset now) =>
        now < sale.StartsAt ? $"Starts in {Duration(sale.StartsAt - now)}"
        : now < sale.EndsAt ? $"Ends in {Duration(sale.EndsAt - now)}"
        : "Ended";
}
