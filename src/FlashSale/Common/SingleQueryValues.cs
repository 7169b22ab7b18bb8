using System.Reflection;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing.Patterns;

namespace FlashSale.Common;

/// <summary>
/// Every query parameter FlashSale reads takes one value, but the framework binds a repeated one to a string parameter
/// joined ("?status=active&amp;status=ended" reached the handler as "active,ended", refused as a bad value in words that
/// misled). This endpoint filter, on every endpoint of the group it is added to (Program.cs), answers a query parameter
/// given more than once <c>400 validation_failed</c> naming it, before the handler runs: after authentication, the rate
/// limits and the CSRF check, which are middleware, so a request's answers keep their order (a 401 still comes first).
/// A parameter marked <see cref="IgnoredWhenRepeatedAttribute"/> is read as absent instead. Endpoints that read no query
/// parameter get no filter at all (the purchase). Handlers read the query through their parameters, never
/// <c>Request.Query</c> by hand: that is what this sees, and what RepeatedQueryParameterTests sends twice.
/// </summary>
public static class SingleQueryValues
{
    public static TBuilder RefuseRepeatedQueryParameters<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder
    {
        builder.Add(endpoint =>
        {
            var route = (endpoint as RouteEndpointBuilder)?.RoutePattern;
            endpoint.FilterFactories.Add((context, next) => Filter(Of(context.MethodInfo, route), next));
        });
        return builder;
    }

    /// <summary>
    /// The query parameters a handler binds, as the framework infers them: <c>[FromQuery]</c>, or a string or parsable
    /// value (<c>TryParse</c>) not named in the route and not bound from elsewhere. Arrays and <c>StringValues</c> take
    /// several values by design and are left alone.
    /// </summary>
    internal static IReadOnlyList<QueryParameter> Of(MethodInfo method, RoutePattern? route)
    {
        var found = new List<QueryParameter>();
        var parameters = method.GetParameters();
        for (var i = 0; i < parameters.Length; i++)
        {
            var parameter = parameters[i];
            var attributes = parameter.GetCustomAttributes(inherit: true);
            if (attributes.OfType<AsParametersAttribute>().Any())
            {
                // Its members would be bound unseen here: refused at start rather than left unchecked.
                throw new NotSupportedException($"{method.DeclaringType?.Name}.{method.Name}: [AsParameters] is not read by "
                    + $"{nameof(SingleQueryValues)}; bind query parameters one by one.");
            }

            var name = attributes.OfType<IFromQueryMetadata>().FirstOrDefault() is { } fromQuery ? fromQuery.Name ?? parameter.Name
                : attributes.Any(a => a is IFromRouteMetadata or IFromHeaderMetadata or IFromBodyMetadata or IFromFormMetadata
                    or IFromServiceMetadata or FromKeyedServicesAttribute) || route?.GetParameter(parameter.Name!) is not null ? null
                : parameter.Name;
            if (name is not null && IsSingleValue(parameter.ParameterType))
            {
                found.Add(new QueryParameter(name, i, attributes.OfType<IgnoredWhenRepeatedAttribute>().Any()));
            }
        }

        return found;
    }

    private static EndpointFilterDelegate Filter(IReadOnlyList<QueryParameter> parameters, EndpointFilterDelegate next) =>
        parameters.Count == 0 ? next : context =>
        {
            // The query's names are matched as the binding matches them: ignoring case.
            var query = context.HttpContext.Request.Query;
            Dictionary<string, string[]>? errors = null;
            foreach (var parameter in parameters)
            {
                var given = query.TryGetValue(parameter.Name, out var values) ? values.Count : 0;
                if (given <= 1)
                {
                    continue;
                }

                if (parameter.IgnoredWhenRepeated)
                {
                    context.Arguments[parameter.Index] = null;
                    continue;
                }

                (errors ??= new Dictionary<string, string[]>(StringComparer.Ordinal))[parameter.Name] =
                    GivenMoreThanOnce(given);
            }

            return errors is null ? next(context) : ValueTask.FromResult<object?>(ApiProblem.Validation(errors));
        };

    /// <summary>The refusal of a value given more than once, as every such <c>errors</c> entry words it (query or form).</summary>
    internal static string[] GivenMoreThanOnce(int times) => [$"was given {times} times; give it once."];

    private static bool IsSingleValue(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        return type == typeof(string) || type.IsEnum
            || type.GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IParsable<>))
            || type.GetMethod("TryParse", BindingFlags.Public | BindingFlags.Static, [typeof(string), type.MakeByRefType()]) is not null;
    }
}
