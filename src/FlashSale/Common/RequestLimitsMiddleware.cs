using Microsoft.Extensions.Options;

namespace FlashSale.Common;

/// <summary>
/// The soft size limits on the request target and headers, and the body size declared by
/// Content-Length, answered with problem+json before authentication or rate limits. Kestrel's own
/// refusals (beyond the hard limits) are bare status lines that no middleware sees.
/// </summary>
public sealed class RequestLimitsMiddleware(RequestDelegate next, IOptions<RequestLimitsOptions> options)
{
    private readonly RequestLimitsOptions _limits = options.Value;

    public Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        var target = request.PathBase.Value?.Length + request.Path.Value?.Length + request.QueryString.Value?.Length ?? 0;
        if (target > _limits.MaxRequestTargetLength)
        {
            return ApiProblem.Create(StatusCodes.Status414UriTooLong, Reasons.UriTooLong, "The URL is too long.",
                $"At most {_limits.MaxRequestTargetLength} characters of path and query.").ExecuteAsync(context);
        }

        if (request.Headers.Count > _limits.MaxRequestHeaderCount || HeadersSize(request.Headers) > _limits.MaxRequestHeadersSize)
        {
            return ApiProblem.Create(StatusCodes.Status431RequestHeaderFieldsTooLarge, Reasons.HeadersTooLarge,
                "The request headers are too large.",
                $"At most {_limits.MaxRequestHeaderCount} fields and {_limits.MaxRequestHeadersSize} bytes.").ExecuteAsync(context);
        }

        if (request.ContentLength > _limits.MaxRequestBodySize)
        {
            // Refused before anyone reads it, and the connection closes: a body Kestrel cannot drain
            // (it stops at the limit) would otherwise leave a kept-alive connection that dies under the next request.
            context.Response.Headers.Connection = "close";
            return ApiProblem.BodyTooLarge(_limits.MaxRequestBodySize).ExecuteAsync(context);
        }

        return next(context);
    }

    private static long HeadersSize(IHeaderDictionary headers)
    {
        long size = 0;
        foreach (var (name, values) in headers)
        {
            foreach (var value in values)
            {
                size += name.Length + (value?.Length ?? 0) + 4;
            }
        }

        return size;
    }
}
