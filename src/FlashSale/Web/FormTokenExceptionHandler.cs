using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Diagnostics;

namespace FlashSale.Web;

/// <summary>
/// A form bound by its handler (sign in, register, buy, a sale's create and edit) whose antiforgery token does not hold:
/// form binding refuses it by throwing, and the refusal read "The request is not valid. Invalid anti-forgery token found
/// when reading parameter "CredentialsForm posted" from the request body as form." (the framework's words), where the
/// forms that bind nothing say "The form has expired". A form kept open while the browser signed in or out elsewhere (a
/// second tab) has such a token. Now the same 400 <c>csrf_check_failed</c> as
/// <see cref="AntiforgeryEndpoints.RequireAntiforgery"/>: nothing changed, reload and try again.
/// </summary>
internal sealed class FormTokenExceptionHandler : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException { InnerException: AntiforgeryValidationException } || httpContext.Response.HasStarted)
        {
            return false;
        }

        httpContext.Response.Clear();
        await AntiforgeryEndpoints.Refusal().ExecuteAsync(httpContext);
        return true;
    }
}
