namespace FlashSale.Common;

/// <summary>Collects field errors so a request gets all of its problems in one answer.</summary>
public sealed class Validation
{
    private readonly Dictionary<string, string[]> _errors = new(StringComparer.Ordinal);

    public bool IsValid => _errors.Count == 0;

    public IDictionary<string, string[]> Errors => _errors;

    public Validation Require(bool condition, string field, string message)
    {
        if (!condition)
        {
            _errors[field] = _errors.TryGetValue(field, out var existing) ? [.. existing, message] : [message];
        }

        return this;
    }

    /// <summary>
    /// Printable text without control characters, within a length range. <paramref name="lineBreaks"/> lets line
    /// feeds through for multi-line text (the caller has turned CRLF into LF); every other control character,
    /// a lone CR among them, is still refused.
    /// </summary>
    public Validation Text(string? value, string field, int min, int max, bool required = true, bool lineBreaks = false)
    {
        if (value is null)
        {
            return Require(!required, field, "is required.");
        }

        Require(value.Length >= min && value.Length <= max, field, $"must be {min}–{max} characters.");
        return lineBreaks
            ? Require(!value.Any(c => char.IsControl(c) && c != '\n'), field, "must not contain control characters other than line breaks.")
            : Require(!value.Any(char.IsControl), field, "must not contain control characters.");
    }

    /// <summary>
    /// Whether the text has a character that shows: not only white space, format characters (zero-width space and joiners,
    /// the word joiner, a byte-order mark, the tag characters), combining marks with nothing to combine with, unassigned
    /// code points, or the blank letters of Hangul and Braille (the fillers U+115F, U+1160, U+3164, U+FFA0 and U+2800),
    /// which render as nothing. Read by code point (a character beyond U+FFFF is two UTF-16 units, each a "surrogate").
    /// </summary>
    public static bool HasVisibleCharacter(string text) => text.EnumerateRunes().Any(r => !System.Text.Rune.IsWhiteSpace(r)
        && System.Text.Rune.GetUnicodeCategory(r) is not (System.Globalization.UnicodeCategory.Format
            or System.Globalization.UnicodeCategory.Control or System.Globalization.UnicodeCategory.NonSpacingMark
            or System.Globalization.UnicodeCategory.EnclosingMark or System.Globalization.UnicodeCategory.OtherNotAssigned)
        && r.Value is not (0x115F or 0x1160 or 0x3164 or 0xFFA0 or 0x2800));

    /// <summary>
    /// No bidirectional embedding, override or isolate controls (U+202A–U+202E, U+2066–U+2069) in text shown to buyers:
    /// one reverses or reorders what follows it on the page ("Trojan Source", CVE-2021-42574), so a name can read as
    /// another. Right-to-left scripts need none of them; the marks LRM and RLM (U+200E, U+200F) and joiners stay allowed.
    /// </summary>
    public Validation NoBidiControls(string? value, string field) =>
        Require(value is null || !value.Any(IsBidiControl), field,
            "must not contain bidirectional embedding, override or isolate controls (U+202A–U+202E, U+2066–U+2069).");

    private static bool IsBidiControl(char c) => c is (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069');
}
