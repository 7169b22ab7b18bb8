using System.Collections;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace FlashSale.Common;

/// <summary>
/// What a body the serializer refused gets as its problem's detail: the field and what it must be, in the API's terms.
/// The serializer's own messages name .NET types and give .NET advice ("could not be converted to
/// FlashSale.Admin.CreateSaleRequest", "Consider updating its nullability annotation"), which tells a client nothing it
/// can act on. Its other messages (syntax, a trailing comma, a duplicate property, our converters' own words) are clear
/// and are passed on, cut at their first sentence. Never the payload itself.
/// </summary>
internal static class JsonErrorText
{
    private const string WrongType = "The JSON value could not be converted to ";
    private const string MissingRequired = "was missing required properties including: ";

    public static string Describe(JsonException ex, Type body, JsonSerializerOptions options)
    {
        var message = ex.Message;
        var path = ex.Path is { Length: > 0 } p ? p : null;
        if (message.Contains(MissingRequired, StringComparison.Ordinal))
        {
            var names = FirstSentence(message[(message.IndexOf(MissingRequired, StringComparison.Ordinal) + MissingRequired.Length)..]);
            return $"Required properties are missing: {names.TrimEnd('.')}.";
        }

        if (path is not null && message.Contains("doesn't allow", StringComparison.Ordinal) && message.Contains("null values", StringComparison.Ordinal))
        {
            return $"Invalid value at '{path}': must not be null.";
        }

        if (path is not null && message.StartsWith(WrongType, StringComparison.Ordinal))
        {
            return Expected(body, path, options) is { } expected
                ? $"Invalid value at '{path}': expected {expected}."
                : $"Invalid value at '{path}': the value has the wrong type for this property.";
        }

        return path is not null ? $"Invalid value at '{path}': {FirstSentence(message)}" : FirstSentence(message);
    }

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
