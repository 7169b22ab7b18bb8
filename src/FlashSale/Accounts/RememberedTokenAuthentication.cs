using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Http.Features.Authentication;
using Microsoft.Extensions.Options;

namespace FlashSale.Accounts;

/// <summary>
/// <c>UseAuthentication()</c> with a shortcut: a request whose bearer token <see cref="CachingTokenHandler"/>
/// remembers is signed in here with the result the JwtBearer handler gives it (its MessageReceived event
/// recognises the same tokens, <see cref="AuthSetup"/>): the same principal, properties and scheme, set on the
/// request as ASP.NET Core's <see cref="AuthenticationMiddleware"/> sets them. It skips, per request, the
/// authentication service, a handler instance, its events and three result objects: the largest share of a
/// rejected purchase's cost (docs/benchmarks.md). Every other request goes to the framework's middleware.
/// </summary>
/// <remarks>
/// The shortcut holds only while it gives the framework's answer: bearer is the default authenticate scheme
/// and would not forward this request elsewhere, no scheme handles requests itself (remote sign-in), and claims
/// are not transformed. Otherwise it is off (<c>RememberedTokenAuthenticationTests</c>).
/// </remarks>
internal sealed class RememberedTokenAuthentication
{
    private readonly RequestDelegate _next;
    private readonly AuthenticationMiddleware _framework;
    private readonly IAuthenticationSchemeProvider _schemes;
    private readonly CachingTokenHandler _tokens;
    private readonly JwtBearerOptions _bearer;
    private readonly bool _claimsTransformed;
    private bool? _enabled;

    public RememberedTokenAuthentication(RequestDelegate next, IAuthenticationSchemeProvider schemes, CachingTokenHandler tokens,
        IOptionsMonitor<JwtBearerOptions> bearer, IClaimsTransformation transformation)
    {
        _next = next;
        _framework = new AuthenticationMiddleware(next, schemes);
        _schemes = schemes;
        _tokens = tokens;
        _bearer = bearer.Get(JwtBearerDefaults.AuthenticationScheme);
        _claimsTransformed = transformation is not NoopClaimsTransformation;
    }

    /// <summary>Known after the first request: false when the setup is not one the shortcut is the framework's answer for.</summary>
    public bool? ShortcutEnabled => _enabled;

    public Task Invoke(HttpContext context)
    {
        if (_enabled != false && _bearer.ForwardDefaultSelector?.Invoke(context) is null
            && _tokens.TryRecallFrom(context.Request, out var principal, out var properties))
        {
            return _enabled == true ? SignIn(context, principal, properties) : DecideThenInvoke(context, principal, properties);
        }

        return _framework.Invoke(context);
    }

    private async Task DecideThenInvoke(HttpContext context, ClaimsPrincipal principal, AuthenticationProperties properties)
    {
        _enabled ??= await ShortcutHoldsAsync();
        await (_enabled == true ? SignIn(context, principal, properties) : _framework.Invoke(context));
    }

    private async Task<bool> ShortcutHoldsAsync()
    {
        var standard = await _schemes.GetDefaultAuthenticateSchemeAsync();
        return standard is { Name: JwtBearerDefaults.AuthenticationScheme } && standard.HandlerType == typeof(JwtBearerHandler)
            && _bearer.ForwardAuthenticate is null && _bearer.ForwardDefault is null
            && !(await _schemes.GetRequestHandlerSchemesAsync()).Any()
            && !_claimsTransformed;
    }

    /// <summary>What <see cref="AuthenticationMiddleware"/> does with a successful default-scheme result.</summary>
    private Task SignIn(HttpContext context, ClaimsPrincipal principal, AuthenticationProperties properties)
    {
        context.Features.Set<IAuthenticationFeature>(new AuthenticationFeature
        {
            OriginalPath = context.Request.Path,
            OriginalPathBase = context.Request.PathBase,
        });
        var signedIn = new SignedIn(AuthenticateResult.Success(
            new AuthenticationTicket(principal, properties, JwtBearerDefaults.AuthenticationScheme)));
        context.User = principal;
        context.Features.Set<IHttpAuthenticationFeature>(signedIn);
        context.Features.Set<IAuthenticateResultFeature>(signedIn);
        return _next(context);
    }

    /// <summary>The two features the framework's middleware sets after a sign-in, kept in step the same way.</summary>
    private sealed class SignedIn(AuthenticateResult result) : IAuthenticateResultFeature, IHttpAuthenticationFeature
    {
        private ClaimsPrincipal? _user = result.Principal;
        private AuthenticateResult? _result = result;

        public AuthenticateResult? AuthenticateResult
        {
            get => _result;
            set
            {
                _result = value;
                _user = value?.Principal;
            }
        }

        public ClaimsPrincipal? User
        {
            get => _user;
            set
            {
                _user = value;
                _result = null;
            }
        }
    }
}
