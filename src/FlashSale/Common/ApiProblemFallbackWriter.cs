using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace FlashSale.Common;

/// <summary>
/// The API's problems for a client whose Accept admits no JSON (a browser's <c>text/html</c>, <c>application/xml</c>),
/// registered after the framework's writer, which declines them. The API answers nothing but JSON: without this the
/// framework's own statuses (an unknown route, a wrong method, a stale cookie's 401) were a padded <c>text/plain</c>
/// "Status Code: 405; Method Not Allowed", and the API's own problems lost their <c>traceId</c>. Pages keep the framework's
/// answer (docs/web.md).
/// </summary>
internal sealed class ApiProblemFallbackWriter(IOptions<ProblemDetailsOptions> problemOptions,
    IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> jsonOptions) : IProblemDetailsWriter
{
    private readonly ProblemJsonWriter _json = new(problemOptions, jsonOptions);

    public bool CanWrite(ProblemDetailsContext context) =>
        context.HttpContext.Request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase)
        && context.ProblemDetails.GetType() == typeof(ProblemDetails);

    public ValueTask WriteAsync(ProblemDetailsContext context)
    {
        var problem = context.ProblemDetails;
        if (problem.Type is null || problem.Title is null)
        {
            // The type and title the framework's writer gives this status (a ProblemHttpResult fills them the same way).
            var defaults = TypedResults.Problem(statusCode: problem.Status ?? context.HttpContext.Response.StatusCode).ProblemDetails;
            problem.Status ??= defaults.Status;
            problem.Type ??= defaults.Type;
            problem.Title ??= defaults.Title;
        }

        return _json.WriteAsync(context);
    }
}
