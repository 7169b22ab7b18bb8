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
        // A one-line text refuses the Unicode line and paragraph separators too (U+2028, U+2029: a break in a name, which
        // until 2026-12-07 was taken); a text of several lines keeps LF as its one line break.
        return lineBreaks
            ? Require(!value.Any(c => char.IsControl(c) && c != '\n'), field, "must not contain control characters other than line breaks.")
            : Require(!value.Any(c => char.IsControl(c) || c is '\u2028' or '\u2029'), field, "must not contain control characters or line breaks.");
    }

    /// <summary>
    /// Whether the text has a character that shows: not only white space, format characters (zero-width space and joiners,
    /// the word joiner, a byte-order mark), combining marks with nothing to combine with, or the blank letters of Hangul
    /// and Braille (the fillers U+115F, U+1160, U+3164, U+FFA0 and U+2800), which render as nothing.
    /// </summary>
    public static bool HasVisibleCharacter(string text) => text.Any(c => !char.IsWhiteSpace(c)
        && char.GetUnicodeCategory(c) is not (System.Globalization.UnicodeCategory.Format or System.Globalization.UnicodeCategory.Control
            or System.Globalization.UnicodeCategory.NonSpacingMark or System.Globalization.UnicodeCategory.EnclosingMark)
        && c is not ('\u115F' or '\u1160' or '\u3164' or '\uFFA0' or '\u2800'));

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
