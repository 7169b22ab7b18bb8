using System.Collections;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace FlashSale.Common;

/// <summary>
/// What a body the serializer refused gets as its problem's detail: the field and what it must be, in the API's terms.
/// The serializer's own messages name .NET types and give .NET advice ("could not be converted to
/// FlashSale.Admin.CreateSaleRequest", "Consider updating its nullability annotation"), which tells a client nothing it
/// can act on; so do its words for a property given twice ("Duplicate property 'quantity' encountered during
/// deserialization of type 'FlashSale.Purchasing.PurchaseRequest'") and one the body has no field for ("could not be
/// mapped to any .NET member contained in type …"), which reached anonymous callers through registration until
/// 2026-12-07. Its other messages (syntax, our converters' own words) are clear and are passed on, cut at their first
/// sentence; one that still names a type of ours is replaced. A trailing comma is said in these words too. Never the payload itself. An empty body (or
/// only whitespace) says so: until 2026-12-07 it read "The input does not contain any JSON tokens. Expected the input to
/// start with a valid JSON token, when isFinalBlock is true.", the reader's words for the parser's state.
/// </summary>
internal static class JsonErrorText
{
    /// <summary>A null where a value is required: our converters' words for it too, so every null is said alike.</summary>
    public const string MustNotBeNull = "must not be null.";

    /// <summary>A converter's null (a value type's converter is handed it), said as every null is.</summary>
    public static void ThrowIfNull(JsonTokenType token)
    {
        if (token == JsonTokenType.Null)
        {
            throw new JsonException(MustNotBeNull);
        }
    }

    /// <summary>
    /// A number converter's first checks: a null as every null, any other token as every wrong type ("expected a number.",
    /// "expected a whole number."): a JsonException without a message is the serializer's "could not be converted".
    /// </summary>
    public static void ThrowIfNotNumber(JsonTokenType token)
    {
        ThrowIfNull(token);
        if (token != JsonTokenType.Number)
        {
            throw new JsonException();
        }
    }

    private const string WrongType = "The JSON value could not be converted to ";
    private const string MissingRequired = "was missing required properties including: ";
    private const string Duplicate = "Duplicate property '";
    private const string Unmapped = "The JSON property '";
    private const string UnmappedEnd = "' could not be mapped to any .NET member";
    private const string NoTokens = "does not contain any JSON tokens";
    private const string TrailingComma = "contains a trailing comma";
    private const string OpenAtEnd = "Expected depth to be zero at the end of the JSON payload";
    private const string EndOfData = "reached end of data";

    public static string Describe(JsonException ex, Type body, JsonSerializerOptions options)
    {
        var message = ex.Message;
        var path = ex.Path is { Length: > 0 } p ? p : null;
        if (message.Contains(NoTokens, StringComparison.Ordinal))
        {
            // Every body here is an object: name what it holds, as an unknown property's answer does.
            var fields = Fields(body, options);
            return "The body is empty; send a JSON object" +
                   (fields.Count > 0 ? $" (the properties here are: {string.Join(", ", fields)})." : ".");
        }

        // The reader's words end "…not supported in this mode. Change the reader options.": advice for this server's
        // developer, not for a client (until 2026-12-07).
        if (message.Contains(TrailingComma, StringComparison.Ordinal))
        {
            var array = message.Contains("JSON array", StringComparison.Ordinal);
            // In an array the path is the item the comma promised ("$.counts[2]"): name the array.
            var where = array && path is not null && path.EndsWith(']') ? path[..path.LastIndexOf('[')] : path ?? "$";
            return $"A trailing comma is not allowed: remove the comma after the last {(array ? "item" : "property")} of '{where}'.";
        }

        // A body cut short: the reader's words were passed on under the last property's path ("Invalid value at
        // '$.quantity': Expected depth to be zero at the end of the JSON payload…", until 2026-12-07), which reads as
        // a field's error when no value is wrong.
        if (message.Contains(OpenAtEnd, StringComparison.Ordinal) || message.Contains(EndOfData, StringComparison.Ordinal)
            || EndsInANumber(message))
        {
            return "The body ends before its JSON does: an object, array or string is not closed (a body cut short?).";
        }

        if (message.Contains(MissingRequired, StringComparison.Ordinal))
        {
            var names = FirstSentence(message[(message.IndexOf(MissingRequired, StringComparison.Ordinal) + MissingRequired.Length)..]);
            return $"Required properties are missing: {names.TrimEnd('.')}.";
        }

        if (path is not null && message.Contains("doesn't allow", StringComparison.Ordinal) && message.Contains("null values", StringComparison.Ordinal))
        {
            return $"Invalid value at '{path}': {MustNotBeNull}";
        }

        if (path is not null && message.StartsWith(WrongType, StringComparison.Ordinal))
        {
            return Expected(body, path, options) is { } expected
                ? $"Invalid value at '{path}': expected {expected}."
                : $"Invalid value at '{path}': the value has the wrong type for this property.";
        }

        if (message.StartsWith(Duplicate, StringComparison.Ordinal))
        {
            return $"The property '{path ?? Quoted(message, Duplicate.Length)}' is given more than once; give each property once.";
        }

        if (message.StartsWith(Unmapped, StringComparison.Ordinal) && message.Contains(UnmappedEnd, StringComparison.Ordinal))
        {
            var name = Quoted(message, Unmapped.Length);
            var fields = Fields(OwnerOf(body, path, options), options);
            return $"Unknown property '{(path is not null && path.EndsWith(name, StringComparison.Ordinal) ? path : name)}'" +
                   (fields.Count > 0 ? $"; the properties here are: {string.Join(", ", fields)}." : ".");
        }

        var said = path is not null ? $"Invalid value at '{path}': {FirstSentence(message)}" : FirstSentence(message);
        // A message not foreseen above that names one of our types is no better than those: say only where.
        return said.Contains(nameof(FlashSale) + ".", StringComparison.Ordinal)
            ? path is not null ? $"Invalid value at '{path}'." : "The body does not match this request's shape."
            : said;
    }

    /// <summary>
    /// The reader's words for a body that stops inside a number (<c>{"quantity":12</c>): "'2' is an invalid end of a
    /// number. Expected a delimiter." A digit is never a wrong end of a number, so the only way it is named as one is that
    /// nothing came after it (until 2026-12-07 that was passed on as the value's error). Another character ("'x' is an
    /// invalid end…") is a wrong value and is said as one.
    /// </summary>
    private static bool EndsInANumber(string message) =>
        message.Length > 3 && message[0] == '\'' && char.IsAsciiDigit(message[1]) && message[2] == '\''
        && message.AsSpan(3).StartsWith(" is an invalid end of a number", StringComparison.Ordinal);

    /// <summary>The text between the quote at <paramref name="start"/> and the next one.</summary>
    private static string Quoted(string message, int start)
    {
        var end = message.IndexOf('\'', start);
        return end > start ? message[start..end] : "";
    }

    /// <summary>The type holding the last property of <paramref name="path"/>: the body itself for a top-level one.</summary>
    private static Type? OwnerOf(Type body, string? path, JsonSerializerOptions options)
    {
        var type = body;
        var segments = path is null ? [] : Segments(path).ToList();
        foreach (var segment in segments.Take(Math.Max(0, segments.Count - 1)))
        {
            type = segment is null ? ElementType(type) : Property(type, segment, options)?.PropertyType;
            if (type is null)
            {
                return null;
            }
        }

        return type;
    }

    /// <summary>The JSON names of <paramref name="type"/>'s properties, as a client writes them.</summary>
    private static List<string> Fields(Type? type, JsonSerializerOptions options) => type is null || type == typeof(string)
        ? []
        : [.. type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetCustomAttribute<JsonIgnoreAttribute>() is null)
            .Select(p => p.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name ?? options.PropertyNamingPolicy?.ConvertName(p.Name) ?? p.Name)];

    /// <summary>What the property at <paramref name="path"/> ($.a.b, $.items[0]) takes, in JSON's words; null if not found.</summary>
    internal static string? Expected(Type body, string path, JsonSerializerOptions options)
    {
        var type = body;
        foreach (var segment in Segments(path))
        {
            if (segment is null)
            {
                type = ElementType(type);
            }
            else
            {
                type = Property(type, segment, options)?.PropertyType;
            }

            if (type is null)
            {
                return null;
            }
        }

        return Kind(Nullable.GetUnderlyingType(type) ?? type);
    }

    private static string Kind(Type type) =>
        type == typeof(string) ? "a string"
        : type == typeof(bool) ? "true or false"
        : type == typeof(int) || type == typeof(long) || type == typeof(short) ? "a whole number"
        : type == typeof(decimal) || type == typeof(double) || type == typeof(float) ? "a number"
        : type == typeof(Guid) ? "an id (a string)"
        : type == typeof(DateTimeOffset) || type == typeof(DateTime) ? "a date and time in ISO 8601 with its offset (a string)"
        : type.IsEnum ? "one of the documented strings"
        : ElementType(type) is not null ? "an array"
        : "an object";

    /// <summary>The names along the path; null for an array index.</summary>
    private static IEnumerable<string?> Segments(string path)
    {
        var i = path.StartsWith('$') ? 1 : 0;
        while (i < path.Length)
        {
            if (path[i] == '.')
            {
                var end = path.IndexOfAny(['.', '['], i + 1);
                end = end < 0 ? path.Length : end;
                yield return path[(i + 1)..end];
                i = end;
            }
            else if (path[i] == '[' && i + 1 < path.Length && path[i + 1] == '\'')
            {
                var end = path.IndexOf("']", i + 2, StringComparison.Ordinal);
                if (end < 0)
                {
                    yield break;
                }

                yield return path[(i + 2)..end];
                i = end + 2;
            }
            else if (path[i] == '[')
            {
                var end = path.IndexOf(']', i);
                if (end < 0)
                {
                    yield break;
                }

                yield return null;
                i = end + 1;
            }
            else
            {
                yield break;
            }
        }
    }

    private static PropertyInfo? Property(Type type, string jsonName, JsonSerializerOptions options)
    {
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var name = property.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name
                ?? options.PropertyNamingPolicy?.ConvertName(property.Name) ?? property.Name;
            var comparison = options.PropertyNameCaseInsensitive ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
            if (string.Equals(name, jsonName, comparison))
            {
                return property;
            }
        }

        return null;
    }

    private static Type? ElementType(Type type)
    {
        if (type == typeof(string))
        {
            return null;
        }

        if (type.IsArray)
        {
            return type.GetElementType();
        }

        return type.GetInterfaces().Append(type)
            .FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>))?.GetGenericArguments()[0]
            ?? (typeof(IEnumerable).IsAssignableFrom(type) ? typeof(object) : null);
    }

    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(". Path:", StringComparison.Ordinal);
        return cut > 0 ? message[..(cut + 1)] : message;
    }
}
