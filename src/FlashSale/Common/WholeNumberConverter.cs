using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace FlashSale.Common;

/// <summary>
/// A request body's whole numbers (a purchase's <c>quantity</c>, a sale's stock and limit, a count), read as the
/// serializer reads them but refused in the API's words: the serializer's one "could not be converted" covered a null,
/// a fraction and a whole number too large alike, so until 2026-12-07 <c>{"quantity":null}</c> and
/// <c>{"quantity":99999999999999999999}</c> were both "expected a whole number.", where every other null is "must not be
/// null." and the second is one.
/// </summary>
internal sealed class WholeNumberConverter : JsonConverter<int>
{
    /// <summary>Said after "Invalid value at '$.quantity': ": the range of the type; each field's own range is checked after.</summary>
    public const string OutOfRange = "out of range; expected a whole number from -2,147,483,648 to 2,147,483,647.";

    public override int Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        JsonErrorText.ThrowIfNotNumber(reader.TokenType);
        if (reader.TryGetInt32(out var value))
        {
            return value;
        }

        // Digits alone (1.5, 1e3 and 1.0 are no whole numbers here, as the serializer's reading has it).
        var digits = reader.HasValueSequence ? reader.ValueSequence.ToArray() : reader.ValueSpan;
        throw digits.TrimStart((byte)'-').ContainsAnyExceptInRange((byte)'0', (byte)'9') ? new JsonException() : new JsonException(OutOfRange);
    }

    public override void Write(Utf8JsonWriter writer, int value, JsonSerializerOptions options) => writer.WriteNumberValue(value);
}
