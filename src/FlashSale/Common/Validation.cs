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
}
