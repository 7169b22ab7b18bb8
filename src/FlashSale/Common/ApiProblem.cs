using Microsoft.AspNetCore.Http.HttpResults;

namespace FlashSale.Common;

/// <summary>
/// The one error shape of the API: RFC 9457 problem details with a stable, machine-readable
/// <c>reason</c>. Clients switch on <c>reason</c>, never on <c>title</c> or <c>detail</c>.
/// </summary>
public static class ApiProblem
{
    public static ProblemHttpResult Create(int status, string reason, string title, string? detail = null,
        IDictionary<string, object?>? extensions = null)
    {
        var ext = new Dictionary<string, object?>(StringComparer.Ordinal) { ["reason"] = reason };
        if (extensions is not null)
        {
            foreach (var (key, value) in extensions)
            {
                ext[key] = value;
            }
        }

        return TypedResults.Problem(detail: detail, statusCode: status, title: title,
            type: $"https://flashsale.dev/problems/{reason}", extensions: ext);
    }

    public static ProblemHttpResult Validation(IDictionary<string, string[]> errors) =>
        Create(StatusCodes.Status400BadRequest, Reasons.ValidationFailed, "The request is not valid.",
            "See 'errors' for each field.", new Dictionary<string, object?> { ["errors"] = errors });

    public static ProblemHttpResult Validation(string field, string message) =>
        Validation(new Dictionary<string, string[]> { [field] = [message] });

    public static ProblemHttpResult NotFound(string reason, string title) =>
        Create(StatusCodes.Status404NotFound, reason, title);

    /// <summary>503 failing closed; the caller sets Retry-After through <see cref="RetryAfter"/>.</summary>
    public static ProblemHttpResult Unavailable(HttpContext context, string detail, int retryAfterSeconds = 1)
    {
        RetryAfter(context, retryAfterSeconds);
        return Create(StatusCodes.Status503ServiceUnavailable, Reasons.Unavailable,
            "The service cannot take this request right now.", detail);
    }

    public static void RetryAfter(HttpContext context, int seconds) =>
        context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
