using Microsoft.AspNetCore.Antiforgery;

namespace FlashSale.Web;

public static class AntiforgeryEndpoints
{
    /// <summary>
    /// For form posts that bind no form field (end, delete, cancel, sign out). The antiforgery middleware only
    /// records its verdict; form binding enforces it, so a handler without form parameters must check it itself.
    /// </summary>
    public static RouteHandlerBuilder RequireAntiforgery(this RouteHandlerBuilder endpoint) => endpoint
        .WithMetadata(new RequireAntiforgeryTokenAttribute())
        .AddEndpointFilter(async (context, next) =>
            context.HttpContext.Features.Get<IAntiforgeryValidationFeature>() is { IsValid: false }
                ? TypedResults.BadRequest("The form has expired or did not come from this site; nothing was changed. Reload the page and try again.")
                : await next(context));
}
