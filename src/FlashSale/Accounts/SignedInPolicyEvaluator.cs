using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Infrastructure;
using Microsoft.AspNetCore.Authorization.Policy;

namespace FlashSale.Accounts;

/// <summary>
/// The authorization middleware's policy evaluator, with a shortcut for the API's most common policy,
/// "a signed-in user" (<c>RequireAuthorization()</c>: a lone <see cref="DenyAnonymousAuthorizationRequirement"/>),
/// met by a signed-in user. The answer is the one the framework's evaluation gives, by the
/// requirement's own test (<c>user.Identities.Any(i =&gt; i.IsAuthenticated)</c>), without the
/// per-request handler context, handler lookup and logging around it, a measurable share of a
/// rejected purchase (docs/benchmarks.md). Every other policy (the admin role, named schemes) and
/// every anonymous caller goes to the framework's <see cref="PolicyEvaluator"/> unchanged.
/// </summary>
/// <remarks>
/// The shortcut holds only while nothing else takes part in authorization decisions: it is off when
/// an authorization handler other than the framework's pass-through one is registered, or when the
/// <see cref="IAuthorizationService"/> is not the framework's (<c>SignedInPolicyEvaluatorTests</c>).
/// </remarks>
internal sealed class SignedInPolicyEvaluator : IPolicyEvaluator
{
    private static readonly Task<PolicyAuthorizationResult> Succeeded = Task.FromResult(PolicyAuthorizationResult.Success());

    private readonly PolicyEvaluator _framework;

    public SignedInPolicyEvaluator(IAuthorizationService authorization, IEnumerable<IAuthorizationHandler> handlers)
    {
        _framework = new PolicyEvaluator(authorization);
        ShortcutEnabled = authorization.GetType().Assembly == typeof(DefaultAuthorizationService).Assembly
            && handlers.All(h => h.GetType() == typeof(PassThroughAuthorizationHandler));
    }

    /// <summary>False when another handler or authorization service is registered: then every call goes to the framework.</summary>
    public bool ShortcutEnabled { get; }

    public Task<AuthenticateResult> AuthenticateAsync(AuthorizationPolicy policy, HttpContext context) =>
        _framework.AuthenticateAsync(policy, context);

    public Task<PolicyAuthorizationResult> AuthorizeAsync(AuthorizationPolicy policy, AuthenticateResult authenticationResult,
        HttpContext context, object? resource) =>
        ShortcutEnabled && IsSignedInOnly(policy) && context.User.Identities.Any(i => i.IsAuthenticated)
            ? Succeeded
            : _framework.AuthorizeAsync(policy, authenticationResult, context, resource);

    private static bool IsSignedInOnly(AuthorizationPolicy policy) =>
        policy.AuthenticationSchemes.Count == 0 && policy.Requirements is [DenyAnonymousAuthorizationRequirement];
}
