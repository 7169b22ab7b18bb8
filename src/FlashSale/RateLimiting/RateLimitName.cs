namespace FlashSale.RateLimiting;

/// <summary>
/// The endpoint name rate-limit rules know a page's form by: the web form that does what an API endpoint does is
/// counted as that endpoint (sign-in as <c>IssueToken</c>, the buy button as <c>Purchase</c>). Endpoint names must be
/// unique, and the forms had none, so a rule naming the API's endpoint never counted them: one address could post
/// 1,200 password guesses a minute to /login where the API allows 60, and one account 1,200 buys where it allows 30.
/// </summary>
public sealed record RateLimitName(string Name);

public static class RateLimitNameExtensions
{
    public static TBuilder RateLimitedAs<TBuilder>(this TBuilder endpoint, string endpointName)
        where TBuilder : IEndpointConventionBuilder => endpoint.WithMetadata(new RateLimitName(endpointName));
}
