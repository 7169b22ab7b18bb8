using System.Globalization;

namespace FlashSale.Common;

/// <summary>
/// Digits and nothing else, read as a number. .NET's parsing skips trailing NUL characters whatever the
/// <see cref="NumberStyles"/>, so <c>limit=2%00</c> read as 2 and was answered 200, and a cursor <c>1%00</c> was taken
/// for 1 (found by a fuzz of every operation, 2026-12-07): input the contract refuses changed nothing but was not refused.
/// </summary>
public static class PlainNumber
{
    /// <summary>A non-negative <see cref="long"/> written as ASCII digits only.</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out long value)
    {
        value = 0;
        return !text.Contains('\0') && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }

    /// <summary>A non-negative <see cref="int"/> written as ASCII digits only.</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out int value)
    {
        value = 0;
        return !text.Contains('\0') && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }
}
