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
        })
        // After the framework's writer: the API's problems for the clients it declines (Accept without JSON).
        .AddSingleton<IProblemDetailsWriter, ApiProblemFallbackWriter>();
}
