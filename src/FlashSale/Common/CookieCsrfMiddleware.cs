using System.Runtime.ExceptionServices;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.Net.Http.Headers;

namespace FlashSale.Common;

/// <summary>
/// CSRF defence in depth for the JSON API behind SameSite=Strict: an unsafe request to <c>/api</c>
/// that would be authenticated by the sign-in cookie (no Authorization header) must carry
/// <c>X-Requested-With</c> (a custom header no cross-site form can send and no cross-origin fetch
/// can send without a CORS preflight, which this server never grants: with Cors:AllowedOrigins set, a preflight allows
/// neither that header nor credentials) or a valid antiforgery
/// token. Bearer-token requests are not affected: a browser never attaches those by itself.
/// </summary>
public sealed class CookieCsrfMiddleware(RequestDelegate next)
{
    public const string CookieName = "flashsale.auth";
    public const string RequiredHeader = "X-Requested-With";

    /// <remarks>Not an async method: the requests it has nothing to check go on through <c>next(context)</c> itself.</remarks>
    public Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        return HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method)
            || HttpMethods.IsTrace(request.Method)
            || !request.Path.StartsWithSegments("/api")
            || request.Headers.ContainsKey(HeaderNames.Authorization)
            || !request.Cookies.ContainsKey(CookieName)
            || !string.IsNullOrWhiteSpace(request.Headers[RequiredHeader])
            ? next(context)
            : CheckTokenAsync(context);
    }

    /// <summary>A cookie-authenticated unsafe API call without the header: only a valid antiforgery token lets it through.</summary>
    private async Task CheckTokenAsync(HttpContext context)
    {
        var antiforgery = context.RequestServices.GetService<IAntiforgery>();
        if (antiforgery is not null && await HasValidTokenAsync(antiforgery, context))
        {
            await next(context);
            return;
        }

        await ApiProblem.Create(StatusCodes.Status403Forbidden, Reasons.CsrfCheckFailed,
            "A cookie-authenticated request must prove it comes from this site.",
            $"Send the '{RequiredHeader}' header or an antiforgery token, or use a bearer token.").ExecuteAsync(context);
    }

    private static async Task<bool> HasValidTokenAsync(IAntiforgery antiforgery, HttpContext context)
    {
        try
        {
            return await antiforgery.IsRequestValidAsync(context);
        }
        catch (InvalidOperationException)
        {
            // No antiforgery cookie or a form that cannot be read: not valid.
            return false;
        }
        catch (AntiforgeryValidationException ex)
        {
            // Reading the form for the token failed. A body past the size limit or arriving too slowly is the
            // request's own fault, not a CSRF verdict: it gets the 413/408/400 any endpoint gives it
            // (BadRequestExceptionHandler). Anything else (multipart without a boundary, too many fields,
            // malformed data) carries no readable token: not valid, never a 500.
            if (ex.InnerException is BadHttpRequestException bad)
            {
                ExceptionDispatchInfo.Throw(bad);
            }

            return false;
        }
    }
}
