using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;

namespace FlashSale.Common;

/// <summary>
/// Turns the framework's <see cref="BadHttpRequestException"/> (a query parameter that does not
/// parse, a body that ends early, a slow client) into its own 4xx problem+json instead of a 500.
/// Minimal APIs are set to throw on bad requests in every environment, so the client always hears
/// which parameter was wrong.
/// </summary>
public sealed class BadRequestExceptionHandler : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException bad || httpContext.Response.HasStarted)
        {
            return false;
        }

        var (reason, title) = bad.StatusCode switch
        {
            StatusCodes.Status413PayloadTooLarge => (Reasons.PayloadTooLarge, "The body is too large."),
            StatusCodes.Status415UnsupportedMediaType => (Reasons.UnsupportedMediaType, "The body must be JSON."),
            StatusCodes.Status408RequestTimeout => (Reasons.RequestTimeout, "The request arrived too slowly."),
            StatusCodes.Status431RequestHeaderFieldsTooLarge => (Reasons.HeadersTooLarge, "The request headers are too large."),
            StatusCodes.Status414UriTooLong => (Reasons.UriTooLong, "The URL is too long."),
            _ when bad.InnerException is JsonException => (Reasons.InvalidJson, "The body is not valid JSON for this request."),
            _ => (Reasons.ValidationFailed, "The request is not valid."),
        };
        var status = bad.StatusCode is >= 400 and < 500 ? bad.StatusCode : StatusCodes.Status400BadRequest;
        httpContext.Response.Clear();
        if (status == StatusCodes.Status413PayloadTooLarge)
        {
            await ApiProblem.BodyTooLarge(httpContext).ExecuteAsync(httpContext);
            return true;
        }

        // The framework's message names the parameter and the raw value; the value is truncated, not echoed whole.
        await ApiProblem.Create(status, reason, title, Truncate(bad.Message, 200)).ExecuteAsync(httpContext);
        return true;
    }

    private static string Truncate(string text, int max) => text.Length <= max ? text : text[..max] + "…";
}
