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

    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        JsonErrorText.ThrowIfNull(reader.TokenType);
        if (reader.TokenType != JsonTokenType.String || !reader.TryGetDateTimeOffset(out var instant) || !HasOffset(reader.GetString()!))
        {
            throw new JsonException(Expected);
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
