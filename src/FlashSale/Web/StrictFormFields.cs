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
/// U+FFFD and the sale was made named "Lamp�", where the JSON API refuses such a body. (A percent-encoded one,
/// <c>%FF</c>, is kept as those three characters: text, if odd.) The pages declare UTF-8, so a browser never
/// sends such bytes; a U+FFFD typed or pasted is refused alike (it is what a garbled text shows).</item>
/// </list>
/// </summary>
public static class StrictFormFields
{
    /// <summary>The replacement character: what the form reader makes of bytes that are not UTF-8.</summary>
    private const char NotText = '\uFFFD';

    public const string NotUtf8 = "is not valid UTF-8 text (it holds bytes that are not UTF-8, or U+FFFD); send it as UTF-8.";

    public static TBuilder RefuseMalformedFormFields<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder
    {
        builder.Add(endpoint => endpoint.FilterFactories.Add((context, next) =>
            context.MethodInfo.GetParameters().Any(p => p.GetCustomAttributes(inherit: true).OfType<IFromFormMetadata>().Any())
                ? invocation => RefuseMalformed(invocation, next)
                : next));
        return builder;
    }

    private static ValueTask<object?> RefuseMalformed(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        var request = invocation.HttpContext.Request;
        // Bound already (the binder read it), so this is the parsed form, not a second read of the body.
        if (!request.HasFormContentType)
        {
            return next(invocation);
        }

        Dictionary<string, string[]>? errors = null;
        foreach (var (name, values) in request.Form)
        {
            if (values.Count > 1)
            {
                (errors ??= new Dictionary<string, string[]>(StringComparer.Ordinal))[name] = SingleQueryValues.GivenMoreThanOnce(values.Count);
            }
            else if (values.ToString().Contains(NotText, StringComparison.Ordinal))
            {
                (errors ??= new Dictionary<string, string[]>(StringComparer.Ordinal))[name] = [NotUtf8];
            }
        }

        return errors is null ? next(invocation) : ValueTask.FromResult<object?>(ApiProblem.Validation(errors));
    }
}
