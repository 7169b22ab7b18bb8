using System.Globalization;

namespace FlashSale.Drill.Cli;

/// <summary>Parses "1500ms", "30s", "2m", "1h" or a bare number of seconds.</summary>
internal static class DurationText
{
    public static bool TryParse(string text, out TimeSpan value)
    {
        value = default;
        var (number, unit) = Split(text.Trim());
        if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var amount) ||
            amount < 0 || double.IsInfinity(amount))
        {
            return false;
        }

        double? seconds = unit switch
        {
            "ms" => amount / 1000,
            "" or "s" => amount,
            "m" => amount * 60,
            "h" => amount * 3600,
            _ => null,
        };
        if (seconds is null)
        {
            return false;
        }

        // Longer than a TimeSpan holds (1e300s) is "too long", which the options' ranges say, not an OverflowException:
        // until 2026-12-06 --duration 1e300 ended the drill with a stack trace.
        value = seconds.Value >= TimeSpan.MaxValue.TotalSeconds ? TimeSpan.MaxValue : TimeSpan.FromSeconds(seconds.Value);
        return true;
    }

    public static string Format(TimeSpan value) =>
        value.TotalSeconds >= 1 ? $"{value.TotalSeconds:0.##}s" : $"{value.TotalMilliseconds:0}ms";

    private static (string Number, string Unit) Split(string text)
    {
        var i = text.Length;
        while (i > 0 && char.IsAsciiLetter(text[i - 1]))
        {
            i--;
        }

        return (text[..i], text[i..].ToLowerInvariant());
    }
}
