using System.Text.Json;
using System.Text.Json.Serialization;

namespace FlashSale.Common;

/// <summary>
/// A request body's whole numbers (a purchase's <c>quantity</c>, a sale's stock and limit, a count), read as the
/// serializer reads them but refused in the API's words: the serializer's one "could not be converted" covered a null
/// and a fraction alike, so until 2026-12-07 <c>{"quantity":null}</c> was "expected a whole number." where every other
/// null is "must not be null.".
/// </summary>
internal sealed class WholeNumberConverter : JsonConverter<int>
{
    public override int Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            throw new JsonException(JsonErrorText.MustNotBeNull);
        }

        // Anything else not an int is the wrong type, said as every wrong type is ("expected a whole number.").
        return reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var value) ? value : throw new JsonException();
    }

    public override void Write(Utf8JsonWriter writer, int value, JsonSerializerOptions options) => writer.WriteNumberValue(value);
}
