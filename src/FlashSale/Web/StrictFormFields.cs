using System.Text;
using System.Text.Unicode;
using FlashSale.Common;
using Microsoft.AspNetCore.Http.Metadata;

namespace FlashSale.Web;

/// <summary>
/// What the pages' forms take, checked before the handler runs, so a refused post changes nothing (<c>400
/// validation_failed</c> naming the field; a page, for a browser). Only endpoints that bind a form get the filter.
/// <list type="bullet">
/// <item>One value per field. The framework binds a <c>[FromForm]</c> record's field from the first of several:
/// <c>price=1.50&amp;price=900.00</c> created a sale at 1.50 and <c>quantity=1&amp;quantity=5</c> bought 1, where the
/// JSON API refuses a property given twice and the query a parameter given twice (found by a fuzz of the forms,
/// 2026-12-07).</item>
/// <item>Text that is UTF-8. The form reader decodes raw bytes that are not (<c>productName=Lamp</c> and a byte 0xFF) as
/// U+FFFD and the sale was made named "Lamp�", where the JSON API refuses such a body; a percent-encoded one
/// (<c>%FF</c>) it keeps as those three characters. Judged on the body's bytes (<see cref="BufferFormBodies"/> keeps
/// them), not on U+FFFD in the values: a U+FFFD that is text (typed, or set through the API) is taken as the API takes
/// it — refusing the character refused every save of an edit form that re-posts such a name (a review, 2026-12-07).
/// The pages declare UTF-8, so a browser never sends such bytes.</item>
/// </list>
/// </summary>
public static class StrictFormFields
{
    public const string NotUtf8 = "is not valid UTF-8 text (it holds bytes that are not UTF-8); send it as UTF-8.";

    public static TBuilder RefuseMalformedFormFields<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder
    {
        builder.Add(endpoint => endpoint.FilterFactories.Add((context, next) =>
            context.MethodInfo.GetParameters().Any(p => p.GetCustomAttributes(inherit: true).OfType<IFromFormMetadata>().Any())
                ? invocation => RefuseMalformedAsync(invocation, next)
                : next));
        return builder;
    }

    /// <summary>
    /// A page's form post keeps its body readable again (in memory, up to the framework's 30 KB, then a temporary file;
    /// Kestrel's body limit bounds it), so the filter can judge its bytes after the binder has read the form. The API's
    /// posts (JSON) are not touched.
    /// </summary>
    public static Task BufferFormBodies(HttpContext context, RequestDelegate next)
    {
        if (HttpMethods.IsPost(context.Request.Method) && context.Request.HasFormContentType
            && !context.Request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase))
        {
            context.Request.EnableBuffering();
        }

        return next(context);
    }

    private static async ValueTask<object?> RefuseMalformedAsync(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        var request = invocation.HttpContext.Request;
        // Bound already (the binder read it), so this is the parsed form, not a second read of the body.
        if (!request.HasFormContentType)
        {
            return await next(invocation);
        }

        Dictionary<string, string[]>? errors = null;
        foreach (var (name, values) in request.Form)
        {
            if (values.Count > 1)
            {
                (errors ??= new Dictionary<string, string[]>(StringComparer.Ordinal))[name] = SingleQueryValues.GivenMoreThanOnce(values.Count);
            }
        }

        // Urlencoded, as the pages post; buffered by BufferFormBodies (a body that is not is not judged).
        if (request.Body.CanSeek && request.ContentType?.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase) == true)
        {
            foreach (var name in await NotUtf8FieldsAsync(request.Body))
            {
                (errors ??= new Dictionary<string, string[]>(StringComparer.Ordinal))[name] = [NotUtf8];
            }
        }

        return errors is null ? await next(invocation) : ApiProblem.Validation(errors);
    }

    /// <summary>The names of the urlencoded body's fields whose value, decoded to bytes, is not UTF-8.</summary>
    private static async Task<List<string>> NotUtf8FieldsAsync(Stream body)
    {
        body.Position = 0;
        using var copy = new MemoryStream();
        await body.CopyToAsync(copy);
        body.Position = 0;
        var found = new List<string>();
        var all = copy.ToArray();
        foreach (var pair in all.AsSpan().Split((byte)'&'))
        {
            var equals = all.AsSpan(pair).IndexOf((byte)'=');
            var (start, length) = pair.GetOffsetAndLength(all.Length);
            var value = equals < 0 ? [] : Decode(all, (start + equals + 1)..(start + length));
            if (!Utf8.IsValid(value))
            {
                found.Add(Encoding.UTF8.GetString(Decode(all, equals < 0 ? pair : start..(start + equals))));
            }
        }

        return found;
    }

    private static byte[] Decode(byte[] body, Range range)
    {
        var (offset, length) = range.GetOffsetAndLength(body.Length);
        // '+' a space, %XX a byte, the rest as it is: the form encoding, decoded to bytes and not to text.
        return System.Net.WebUtility.UrlDecodeToBytes(body, offset, length) ?? [];
    }
}
