using System.Globalization;
using FlashSale.Sales;

namespace FlashSale.Web;

public static class Format
{
    private static readonly CultureInfo Culture = CultureInfo.InvariantCulture;

    /// <summary>An amount with its ISO 4217 code after it, in the currency's minor units (<see cref="Common.Money.Text"/>).</summary>
    public static string Money(decimal amount, string currency) => Common.Money.Text(amount, currency);

    /// <summary>
    /// Axis labels: 3.1k USD rather than 3,123.50 USD, 750 USD rather than 749.99 USD. Whole from 100 up: a quarter of a day's
    /// revenue has cents, and "749.99 CHF" was wider than the chart's margin, cut to "49.99 CHF" (Charts).
    /// </summary>
    public static string Compact(decimal amount, string currency)
    {
        var value = amount >= 100 ? decimal.Round(amount) : amount;
        var text = value >= 1_000_000 ? (value / 1_000_000).ToString("0.#", Culture) + "M"
            : value >= 1_000 ? (value / 1_000).ToString("0.#", Culture) + "k"
            : value.ToString("0.##", Culture);
        return text + " " + currency;
    }

    /// <summary>
    /// A percentage with at most one decimal, rounded <em>down</em>: 5,999 of 6,000 (99.98) reads 99.9, never 100 while a
    /// unit is left.
    /// </summary>
    public static string Percent(decimal percent) => (decimal.Floor(percent * 10m) / 10m).ToString("0.#", Culture);

    /// <summary>Short UTC time for tables: the year only when it is not <paramref name="now"/>'s (UTC).</summary>
    public static string Short(DateTimeOffset at, DateTimeOffset now) =>
        at.UtcDateTime.ToString(at.UtcDateTime.Year == now.UtcDateTime.Year ? "d MMM, HH:mm" : "d MMM yyyy, HH:mm", Culture);

    public static string Number(long value) => value.ToString("#,0", Culture);

    public static string Iso(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", Culture);

    public static string Utc(DateTimeOffset at) => at.UtcDateTime.ToString("d MMM yyyy, HH:mm 'UTC'", Culture);

    /// <summary>
    /// <see cref="Utc"/> to the second, for orders of one flash sale: a sale that sells out in 2 s read "09:29 UTC" on every
    /// row (until 2026-12-07) beside a leaderboard to the millisecond.
    /// </summary>
    public static string UtcSeconds(DateTimeOffset at) => at.UtcDateTime.ToString("d MMM yyyy, HH:mm:ss 'UTC'", Culture);

    /// <summary>
    /// A time shown to a buyer or an admin: written in UTC (<see cref="Utc"/>, or <see cref="UtcSeconds"/> with
    /// <paramref name="seconds"/>), shown in the reader's own time zone once the page's script runs (local-time.js), the
    /// UTC then its title. <paramref name="role"/> names it for the script that moves it (a sale's window, sale.js).
    /// </summary>
    public static Html LocalTime(DateTimeOffset at, bool seconds = false, string? role = null) =>
        Zoned(at, seconds ? "seconds" : "minutes", seconds ? UtcSeconds(at) : Utc(at), role);

    /// <summary>
    /// <see cref="Clock"/> as <see cref="LocalTime"/> shows a time: "16:20:05 UTC", "17:20:05 CET" once the script runs.
    /// The admin's pages were in UTC alone until 2026-12-07.
    /// </summary>
    public static Html LocalClock(DateTimeOffset at, string? role = null) => Zoned(at, "clock", Clock(at), role);

    /// <summary>
    /// <see cref="Short"/> as <see cref="LocalTime"/> shows a time, its zone named: "7 Dec, 18:23 UTC", "7 Dec, 19:23 CET"
    /// once the script runs (the dashboard's table, whose column said "(UTC)" until 2026-12-07).
    /// </summary>
    public static Html LocalShort(DateTimeOffset at, DateTimeOffset now) => Zoned(at, "short", Short(at, now) + " UTC", null);

    /// <summary>A time in UTC, with the form local-time.js writes it in (format.js <c>local</c>) in the reader's zone.</summary>
    private static Html Zoned(DateTimeOffset at, string form, string utc, string? role)
    {
        var named = role is null ? Html.Empty : Html.H($" data-role=\"{role}\"");
        return Html.H($"""<time{named} data-local="{form}" datetime="{Iso(at)}">{utc}</time>""");
    }

    /// <summary>The time of day, to the second: "16:20:05 UTC", for a figure read just now.</summary>
    public static string Clock(DateTimeOffset at) => at.UtcDateTime.ToString("HH:mm:ss 'UTC'", Culture);

    /// <summary>An instant to the tick, for a query (<c>endsAfter=</c>) that must not round a time away.</summary>
    public static string Instant(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", Culture);

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
