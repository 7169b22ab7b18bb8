using System.Text.Json;
using System.Text.Json.Serialization;

namespace FlashSale.Common;

/// <summary>
/// A request body's instants (a sale's <c>startsAt</c>, <c>endsAt</c>) as ISO 8601 with their offset (<c>Z</c> or
/// <c>±hh:mm</c>), as the OpenAPI document's <c>date-time</c> says. The serializer's own reading takes a time without
/// an offset, or a bare date, in the server's time zone: the same request made a different sale on a server set to
/// another zone. Refused instead, like the lists' <c>endsAfter</c>.
/// </summary>
internal sealed class InstantConverter : JsonConverter<DateTimeOffset>
{
    /// <summary>Said after "Invalid value at '$.startsAt': ", as every value's problem is (capitalised until 2026-12-07).</summary>
    public const string Expected = "expected an ISO 8601 date and time with its offset, such as 2026-12-06T08:00:00Z.";

    /// <summary>
    /// An instant written as one, offset and all, that is before year 1 or after year 9999 once in UTC
    /// (<c>0001-01-01T00:00:00+01:00</c>): until 2026-12-07 it was told to be written "with its offset", which it was.
    /// </summary>
    public const string OutOfRange = "out of range; expected an instant between the years 0001 and 9999 in UTC.";

    /// <summary><see cref="OutOfRange"/> for a query parameter, said as its other problems are ("must be …").</summary>
    public const string OutOfRangeParameter = "must be an instant between the years 0001 and 9999 in UTC.";

    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        JsonErrorText.ThrowIfNull(reader.TokenType);
        if (reader.TokenType != JsonTokenType.String || !reader.TryGetDateTimeOffset(out var instant) || !HasOffset(reader.GetString()!))
        {
            throw new JsonException(reader.TokenType == JsonTokenType.String && IsOutOfRange(reader.GetString()!) ? OutOfRange : Expected);
        }

        return instant;
    }

    /// <summary>The same reading for a query parameter (the lists' <c>endsAfter</c>).</summary>
    public static bool TryParse(string text, out DateTimeOffset instant)
    {
        var reader = new Utf8JsonReader(JsonSerializer.SerializeToUtf8Bytes(text));
        instant = default;
        return reader.Read() && reader.TryGetDateTimeOffset(out instant) && HasOffset(text);
    }

    /// <summary>
    /// Written as an instant with its offset, but not one a <see cref="DateTimeOffset"/> holds: its date and time read
    /// without the offset, and only the offset takes it past year 1 or 9999.
    /// </summary>
    public static bool IsOutOfRange(string text)
    {
        if (!HasOffset(text))
        {
            return false;
        }

        var t = text.IndexOf('T', StringComparison.Ordinal);
        var offsetAt = text.EndsWith('Z') ? text.Length - 1 : text.AsSpan(t + 1).LastIndexOfAny('+', '-') + t + 1;
        return DateTime.TryParse(text.AsSpan(0, offsetAt), System.Globalization.CultureInfo.InvariantCulture,
                   System.Globalization.DateTimeStyles.None, out _)
               && !DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out _);
    }

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value);

    /// <summary>A time part (after the 'T') that ends in 'Z' or carries a '+' or '-' offset.</summary>
    private static bool HasOffset(string text)
    {
        var t = text.IndexOf('T', StringComparison.Ordinal);
        if (t <= 0)
        {
            return false;
        }

        var time = text.AsSpan(t + 1);
        return time.EndsWith('Z') || time.IndexOfAny('+', '-') >= 0;
    }
}
