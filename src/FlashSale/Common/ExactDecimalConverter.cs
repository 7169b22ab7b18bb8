using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace FlashSale.Common;

/// <summary>
/// A request body's decimal (a sale's <c>price</c>) only when it is exactly the number sent. The serializer's own reading
/// rounds what a <see cref="decimal"/> cannot hold, silently: <c>1e-29</c> became 0, so an admin's mistyped price made a
/// free sale that passed every check on the price (0 is a price), and digits past the 28th were dropped. Refused instead,
/// as a number too large already is.
/// </summary>
internal sealed class ExactDecimalConverter : JsonConverter<decimal>
{
    /// <summary>Said after "Invalid value at '$.price': ", as every value's problem is (capitalised until 2026-12-07).</summary>
    public const string Inexact = "cannot be held exactly (at most 28 significant digits, none smaller than 1e-28).";

    public override decimal Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        // "expected a number." for another type, as every wrong type is ("Expected a JSON number." until 2026-12-07).
        JsonErrorText.ThrowIfNotNumber(reader.TokenType);
        if (!reader.TryGetDecimal(out var value))
        {
            throw new JsonException(Inexact);
        }

        var raw = Encoding.UTF8.GetString(reader.HasValueSequence ? System.Buffers.BuffersExtensions.ToArray(reader.ValueSequence) : reader.ValueSpan);
        return Canonical(raw) == Canonical(value.ToString(CultureInfo.InvariantCulture)) ? value : throw new JsonException(Inexact);
    }

    public override void Write(Utf8JsonWriter writer, decimal value, JsonSerializerOptions options) => writer.WriteNumberValue(value);

    /// <summary>
    /// A number's significant digits and the power of ten of the last one: "0.0150" and "15e-3" are both "15e-3"; zero is
    /// "0" (whatever its exponent: "0e99999999999" is zero). An exponent past a long's range cannot be exact (the serializer
    /// read such a number as 0): refused as inexact, where int.Parse threw an OverflowException the handler answered 500.
    /// </summary>
    private static string Canonical(string number)
    {
        var e = number.IndexOfAny(['e', 'E']);
        var mantissa = (e < 0 ? number : number[..e]).TrimStart('-', '+');
        var dot = mantissa.IndexOf('.', StringComparison.Ordinal);
        long exponent = 0;
        if (dot >= 0)
        {
            exponent = -(mantissa.Length - dot - 1);
            mantissa = mantissa.Remove(dot, 1);
        }

        var digits = mantissa.TrimStart('0');
        if (digits.Length == 0)
        {
            return "0";
        }

        if (e >= 0)
        {
            if (!long.TryParse(number.AsSpan(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var written))
            {
                throw new JsonException(Inexact);
            }

            exponent += written;
        }

        var significant = digits.TrimEnd('0');
        exponent += digits.Length - significant.Length;
        var sign = number.StartsWith('-') ? "-" : "";
        return string.Create(CultureInfo.InvariantCulture, $"{sign}{significant}e{exponent}");
    }
}
