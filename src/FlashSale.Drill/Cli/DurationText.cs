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

        TimeSpan? parsed = unit switch
        {
            "ms" => TimeSpan.FromMilliseconds(amount),
            "" or "s" => TimeSpan.FromSeconds(amount),
            "m" => TimeSpan.FromMinutes(amount),
            "h" => TimeSpan.FromHours(amount),
            _ => null,
        };
        if (parsed is null)
        {
            return false;
        }

        value = parsed.Value;
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
