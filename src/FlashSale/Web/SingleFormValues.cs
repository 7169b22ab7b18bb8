using FlashSale.Common;
using Microsoft.AspNetCore.Http.Metadata;

namespace FlashSale.Web;

/// <summary>
/// The pages' forms take one value per field, but the framework binds a <c>[FromForm]</c> record's field from the first
/// of several: <c>price=1.50&amp;price=900.00</c> created a sale at 1.50 and <c>quantity=1&amp;quantity=5</c> bought 1,
/// where the JSON API refuses a property given twice and the query a parameter given twice (found by a fuzz of the
/// forms, 2026-12-07). No browser posts a field twice from these forms; a client that does gets
/// <c>400 validation_failed</c> naming it (a page, for a browser), before the handler runs, so nothing is changed.
/// Only endpoints that bind a form get the filter.
/// </summary>
public static class SingleFormValues
{
    public static TBuilder RefuseRepeatedFormFields<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder
    {
        builder.Add(endpoint => endpoint.FilterFactories.Add((context, next) =>
            context.MethodInfo.GetParameters().Any(p => p.GetCustomAttributes(inherit: true).OfType<IFromFormMetadata>().Any())
                ? invocation => RefuseRepeated(invocation, next)
                : next));
        return builder;
    }

    private static ValueTask<object?> RefuseRepeated(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
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
        }

        return errors is null ? next(invocation) : ValueTask.FromResult<object?>(ApiProblem.Validation(errors));
    }
}
