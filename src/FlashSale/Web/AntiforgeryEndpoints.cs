using FlashSale.Common;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FlashSale.Web;

public static class AntiforgeryEndpoints
{
    /// <summary>
    /// For form posts that bind no form field (end, delete, cancel, sign out). The antiforgery middleware only
    /// records its verdict; form binding enforces it, so a handler without form parameters must check it itself.
    /// The refusal is a problem like any other bad request: the problem details service renders it as the site's
    /// error page for a browser (HtmlProblemWriter) and as problem+json for everything else.
    /// </summary>
    public static RouteHandlerBuilder RequireAntiforgery(this RouteHandlerBuilder endpoint) => endpoint
        .WithMetadata(new RequireAntiforgeryTokenAttribute())
        .AddEndpointFilter(async (context, next) =>
            context.HttpContext.Features.Get<IAntiforgeryValidationFeature>() is { IsValid: false } ? Refusal() : await next(context));

    /// <summary>The refusal of a form whose token does not hold, bound or not (<see cref="FormTokenExceptionHandler"/>).</summary>
    internal static ProblemHttpResult Refusal() => ApiProblem.Create(
        StatusCodes.Status400BadRequest, Reasons.CsrfCheckFailed, "The form has expired or did not come from this site.",
        "Nothing was changed. Reload the page and try again.");
}
