namespace FlashSale.RateLimiting;

/// <summary>
/// Where a page's form post goes when a rate-limit rule refuses it, instead of the API's 429 problem: the form's page
/// with its own message (the buy form: <c>/sales/{id}?m=rate_limited</c>, docs/web.md). Only a form post (form content
/// type) is redirected; the redirect keeps <c>Retry-After</c>. Until 2026-12-06 the buy form got the generic problem
/// page "At most 30 requests per 00:01:00 ('purchase-per-user')".
/// </summary>
public sealed record RateLimitRedirect(Func<HttpContext, string> Location);

public static class RateLimitRedirectExtensions
{
    public static TBuilder RefusedWithRedirect<TBuilder>(this TBuilder endpoint, Func<HttpContext, string> location)
        where TBuilder : IEndpointConventionBuilder => endpoint.WithMetadata(new RateLimitRedirect(location));
}
