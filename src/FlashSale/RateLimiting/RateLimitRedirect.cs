namespace FlashSale.RateLimiting;

/// <summary>
/// Where a page's form post goes when a rate-limit rule refuses it (429) or the limiter cannot count it (503), instead of
/// the API's problem: the form's page with its own message, given the reason code (<c>rate_limited</c>,
/// <c>unavailable</c>; the buy form: <c>/sales/{id}?m=rate_limited</c>, docs/web.md). Only a form post (form content
/// type) is redirected; the redirect keeps <c>Retry-After</c>. Until 2026-12-06 the buy form got the generic problem
/// page "At most 30 requests per 00:01:00 ('purchase-per-user')", and every form the raw 503 problem while the limiter's
/// store was down.
/// </summary>
public sealed record RateLimitRedirect(Func<HttpContext, string, string> Location);

public static class RateLimitRedirectExtensions
{
    public static TBuilder RefusedWithRedirect<TBuilder>(this TBuilder endpoint, Func<HttpContext, string, string> location)
        where TBuilder : IEndpointConventionBuilder => endpoint.WithMetadata(new RateLimitRedirect(location));
}
