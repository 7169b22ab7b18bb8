using System.Collections.Concurrent;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FlashSale.Common;

/// <summary>
/// The one error shape of the API: RFC 9457 problem details with a stable, machine-readable
/// <c>reason</c>. Clients switch on <c>reason</c>, never on <c>title</c> or <c>detail</c>.
/// </summary>
public static class ApiProblem
{
    // Reasons are a small fixed set: each type URI is built once (a rejected purchase is the hot path).
    private static readonly ConcurrentDictionary<string, string> Types = new(StringComparer.Ordinal);

    public static ProblemHttpResult Create(int status, string reason, string title, string? detail = null,
        IDictionary<string, object?>? extensions = null)
    {
        // The problem's own extension dictionary, filled directly (TypedResults.Problem would copy a second one).
        var problem = new ProblemDetails
        {
            Status = status,
            Title = title,
            Detail = detail,
            Type = TypeOf(reason),
        };
        problem.Extensions["reason"] = reason;
        if (extensions is not null)
        {
            foreach (var (key, value) in extensions)
            {
                problem.Extensions[key] = value;
            }
        }

        return TypedResults.Problem(problem);
    }

    /// <summary>A reason's <c>type</c> URI: the API's own problems and the framework's (ProblemSetup) alike.</summary>
    public static string TypeOf(string reason) => Types.GetOrAdd(reason, static r => "https://flashsale.dev/problems/" + r);

    /// <summary>
    /// A body over the limit, refused while it was read (chunked, no Content-Length) as when its length said so ahead
    /// (RequestLimitsMiddleware): "At most 65536 bytes." Until 2026-12-07 the first had no detail.
    /// </summary>
    public static ProblemHttpResult BodyTooLarge(HttpContext context) =>
        BodyTooLarge(context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize);

    public static ProblemHttpResult BodyTooLarge(long? max) =>
        Create(StatusCodes.Status413PayloadTooLarge, Reasons.PayloadTooLarge, "The body is too large.",
            max is { } bytes ? $"At most {bytes} bytes." : null);

    public static ProblemHttpResult Validation(IDictionary<string, string[]> errors) =>
        Create(StatusCodes.Status400BadRequest, Reasons.ValidationFailed, "The request is not valid.",
            "See 'errors' for each field.", new Dictionary<string, object?> { ["errors"] = errors });

    public static ProblemHttpResult Validation(string field, string message) =>
        Validation(new Dictionary<string, string[]> { [field] = [message] });

    /// <summary>A <c>cursor</c> the paged lists did not hand out (malformed, or not the caller's).</summary>
    public static ProblemHttpResult InvalidCursor() => Validation("cursor", "is not a cursor this API returned.");

    public static ProblemHttpResult NotFound(string reason, string title) =>
        Create(StatusCodes.Status404NotFound, reason, title);

    /// <summary>The one wording of an unknown sale, for the API, the pages and the ledgers' refusals alike.</summary>
    public const string NoSuchSale = "No sale has this id.";

    public static ProblemHttpResult SaleNotFound() => NotFound(Reasons.SaleNotFound, NoSuchSale);

    /// <summary>503 failing closed; the caller sets Retry-After through <see cref="RetryAfter"/>.</summary>
    public static ProblemHttpResult Unavailable(HttpContext context, string detail, int retryAfterSeconds = 1,
        IDictionary<string, object?>? extensions = null)
    {
        RetryAfter(context, retryAfterSeconds);
        return Create(StatusCodes.Status503ServiceUnavailable, Reasons.Unavailable,
            "The service cannot take this request right now.", detail, extensions);
    }

    /// <summary>
    /// 429 <c>rate_limited</c> with Retry-After, naming the rule in <c>rule</c> and the wait in <c>retryAfter</c>: a
    /// rate-limit rule, the sign-ins per account, or the live feed's streams per address (until 2026-12-07 the last
    /// carried neither).
    /// </summary>
    public static ProblemHttpResult RateLimited(HttpContext context, string rule, int retryAfterSeconds, string title, string detail)
    {
        RetryAfter(context, retryAfterSeconds);
        return Create(StatusCodes.Status429TooManyRequests, Reasons.RateLimited, title, detail,
            new Dictionary<string, object?> { ["rule"] = rule, ["retryAfter"] = retryAfterSeconds });
    }

    public static void RetryAfter(HttpContext context, int seconds) =>
        context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
