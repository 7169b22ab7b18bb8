using Microsoft.Net.Http.Headers;
using static FlashSale.Web.Html;

namespace FlashSale.Web;

/// <summary>
/// Problems on the shop's and the dashboard's pages, as a page: a browser that asked for HTML outside the API (an
/// unknown address, a store that is down, an unexpected error) gets the site's frame with the problem's title and
/// detail and a way back, with the same status (and Retry-After on a 503), instead of a JSON document. The API and
/// every client that does not ask for HTML first keep problem+json (<see cref="Common.ProblemJsonWriter"/>).
/// </summary>
internal sealed class HtmlProblemWriter : IProblemDetailsWriter
{
    private static readonly string[] MachinePaths = ["/api", "/health", "/metrics", "/openapi", Common.OpenApiSetup.ReferencePath];

    public bool CanWrite(ProblemDetailsContext context)
    {
        var request = context.HttpContext.Request;
        return !MachinePaths.Any(p => request.Path.StartsWithSegments(p)) && PrefersHtml(request.Headers.Accept);
    }

    public async ValueTask WriteAsync(ProblemDetailsContext context)
    {
        var http = context.HttpContext;
        var problem = context.ProblemDetails;
        var status = problem.Status ?? http.Response.StatusCode;
        var title = problem.Title ?? DefaultTitle(status);
        var errors = FieldErrors(problem);
        // A validation problem's detail points at its 'errors' member, which a page has not got: the errors instead.
        var detail = errors.Count > 0
            ? H($"""<ul class="problem-errors">{errors.Select(e => H($"<li><code>{e.Key}</code> {string.Join(" ", e.Value)}</li>")).ToList()}</ul>""")
            : H($"<p>{problem.Detail ?? DefaultDetail(status)}</p>");
        var main = H($"""
            <section class="problem" aria-labelledby="problem-title">
              <h1 id="problem-title">{title}</h1>
              {detail}
              <p><a href="/">Back to the sales</a></p>
            </section>
            """);
        await Layout.Page(http, title, main, status: status).ExecuteAsync(http);
    }

    private static IReadOnlyList<KeyValuePair<string, string[]>> FieldErrors(Microsoft.AspNetCore.Mvc.ProblemDetails problem) =>
        problem is HttpValidationProblemDetails validation ? [.. validation.Errors]
        : problem.Extensions.TryGetValue("errors", out var errors) && errors is IDictionary<string, string[]> fields ? [.. fields]
        : [];

    /// <summary>A browser's navigation: text/html among the types it accepts, ahead of any JSON type.</summary>
    private static bool PrefersHtml(Microsoft.Extensions.Primitives.StringValues accept)
    {
        if (!MediaTypeHeaderValue.TryParseList(accept, out var types))
        {
            return false;
        }

        var html = types.FirstOrDefault(t => t.MediaType.Equals("text/html", StringComparison.OrdinalIgnoreCase));
        if (html is null)
        {
            return false;
        }

        var json = types.FirstOrDefault(t => t.MediaType.Value?.EndsWith("json", StringComparison.OrdinalIgnoreCase) == true);
        return json is null || (html.Quality ?? 1) >= (json.Quality ?? 1);
    }

    private static string DefaultTitle(int status) => status switch
    {
        StatusCodes.Status404NotFound => "Page not found",
        StatusCodes.Status503ServiceUnavailable => "Temporarily unavailable",
        >= 500 => "Something went wrong",
        _ => "This request cannot be served",
    };

    private static string DefaultDetail(int status) => status switch
    {
        StatusCodes.Status404NotFound => "There is nothing at this address.",
        StatusCodes.Status503ServiceUnavailable => "Please try again in a moment.",
        >= 500 => "The error was logged. Please try again.",
        _ => "Please check the address and try again.",
    };
}
