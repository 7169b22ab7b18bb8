namespace FlashSale.Common;

public static class ProblemSetup
{
    /// <summary>
    /// Every error the framework itself produces (unknown route, wrong method, failed binding,
    /// unhandled exception) also comes out as problem+json with a reason.
    /// </summary>
    public static IServiceCollection AddFlashSaleProblems(this IServiceCollection services) =>
        // Ahead of the default writer, which takes whatever ProblemJsonWriter leaves.
        services.AddSingleton<IProblemDetailsWriter, ProblemJsonWriter>().AddProblemDetails(o => o.CustomizeProblemDetails = ctx =>
        {
            var status = ctx.ProblemDetails.Status ?? ctx.HttpContext.Response.StatusCode;
            ctx.ProblemDetails.Extensions.TryAdd("reason", status switch
            {
                StatusCodes.Status400BadRequest => Reasons.ValidationFailed,
                StatusCodes.Status401Unauthorized => Reasons.Unauthorized,
                StatusCodes.Status403Forbidden => Reasons.Forbidden,
                StatusCodes.Status404NotFound => Reasons.NotFound,
                StatusCodes.Status405MethodNotAllowed => Reasons.MethodNotAllowed,
                StatusCodes.Status413PayloadTooLarge => Reasons.PayloadTooLarge,
                StatusCodes.Status415UnsupportedMediaType => Reasons.UnsupportedMediaType,
                StatusCodes.Status429TooManyRequests => Reasons.RateLimited,
                StatusCodes.Status503ServiceUnavailable => Reasons.Unavailable,
                _ => status >= 500 ? Reasons.InternalError : Reasons.Conflict,
            });
            ctx.ProblemDetails.Extensions.Remove("exception");
            // The framework's own (an unknown address, a wrong method) carried an RFC 9110 link for a type and no detail,
            // unlike every other problem (until 2026-12-07).
            // Only theirs: the API's own problems have their type, and their detail or none (a 404 of an unknown id says
            // so in its title; "Nothing is at this address." would be wrong for it).
            if (ctx.ProblemDetails.Extensions["reason"] is string reason
                && (ctx.ProblemDetails.Type is null || ctx.ProblemDetails.Type.StartsWith("https://tools.ietf.org/", StringComparison.Ordinal)))
            {
                ctx.ProblemDetails.Type = ApiProblem.TypeOf(reason);
                ctx.ProblemDetails.Detail ??= status switch
                {
                    StatusCodes.Status404NotFound => "Nothing is at this address.",
                    StatusCodes.Status405MethodNotAllowed when ctx.HttpContext.Response.Headers.Allow.ToString() is { Length: > 0 } allowed =>
                        $"This address does not take {ctx.HttpContext.Request.Method}; it takes {HeadRequestsMiddleware.WithHead(allowed)}.",
                    _ => null,
                };
            }
        })
        // After the framework's writer: the API's problems for the clients it declines (Accept without JSON).
        .AddSingleton<IProblemDetailsWriter, ApiProblemFallbackWriter>();
}
