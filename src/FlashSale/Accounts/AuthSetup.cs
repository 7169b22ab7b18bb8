using System.Globalization;
using System.Runtime.ExceptionServices;
using FlashSale.Common;
using FlashSale.Storage;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace FlashSale.Accounts;

public static class AuthSetup
{
    public const string AdminPolicy = "admin";

    /// <summary>
    /// Bearer tokens for API clients, a cookie for the web pages. The bearer scheme is the default and
    /// hands a request to the cookie scheme when it has no Authorization header and is a page or
    /// carries the cookie (<see cref="CookieOrBearer"/>): one handler per request, not a policy scheme
    /// in front of two. Algorithms, issuer, audience and lifetime are all pinned.
    /// </summary>
    public static IServiceCollection AddFlashSaleAuth(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AuthOptions>().BindConfiguration(AuthOptions.Section).ValidateSettings(AuthOptions.Section)
            .Validate(o => string.IsNullOrWhiteSpace(o.Authority) || !string.IsNullOrWhiteSpace(o.ExternalAudience),
                "Auth:ExternalAudience is required with Auth:Authority: the audience the external provider's tokens must carry "
                + "(without it they were silently held to Auth:Audience, this server's own, and the provider's tokens refused).")
            .Validate(o => string.IsNullOrWhiteSpace(o.ExternalAdminRole) || !string.IsNullOrWhiteSpace(o.Authority),
                "Auth:ExternalAdminRole is set without Auth:Authority: it names the role of an external provider's tokens that "
                + "makes an admin, and no provider is configured.")
            .ValidateOnStart();
        services.AddOptions<AdminOptions>().BindConfiguration(AdminOptions.Section).ValidateSettings(AdminOptions.Section)
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<AdminOptions>, AdminCredentialsValidation>();
        services.AddSingleton<SigningKey>();
        services.AddSingleton<TokenIssuer>();
        services.AddOptions<PasswordHashingOptions>().BindConfiguration(PasswordHashingOptions.Section).ValidateSettings(PasswordHashingOptions.Section)
            .ValidateOnStart();
        services.AddSingleton<PasswordHashing>();
        services.AddSingleton<SignInThrottle>();
        services.AddSingleton<DeviceCookies>();
        services.AddSingleton<CredentialStamps>();
        services.AddSingleton<ITokenRevocationCheck, CredentialStampCheck>();

        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme)
            .AddJwtBearer()
            .AddCookie(o =>
            {
                o.Cookie.Name = "flashsale.auth";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Strict;
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.LoginPath = "/login";
                o.AccessDeniedPath = "/login";
                o.SlidingExpiration = true;
                o.ExpireTimeSpan = TimeSpan.FromHours(8);
                // The account's credential stamp, checked on every request, and Auth:CookieMaxAge from the sign-in.
                o.Events.OnSigningIn = SignInCookie.SigningInAsync;
                o.Events.OnValidatePrincipal = SignInCookie.ValidatePrincipalAsync;
                // An API call with a stale cookie gets a status, not a redirect to an HTML page.
                // A form posted after the session ended is lost: the sign-in page says so (AccountPages.MarkLapsedFormPost).
                o.Events.OnRedirectToLogin = ctx =>
                {
                    ctx.RedirectUri = Web.AccountPages.MarkLapsedFormPost(ctx.Request, ctx.RedirectUri);
                    return ApiOrRedirect(ctx, StatusCodes.Status401Unauthorized);
                };
                o.Events.OnRedirectToAccessDenied = ctx => ApiOrRedirect(ctx, StatusCodes.Status403Forbidden);
            });
        services.AddSingleton(sp => new CachingTokenHandler(sp.GetRequiredService<ITokenRevocationCheck>(),
            new TokenIssuers(sp.GetRequiredService<IOptions<AuthOptions>>().Value, sp.GetRequiredService<SigningKey>().Key)));
        services.AddSingleton<IConfigureOptions<JwtBearerOptions>, ConfigureJwtBearer>();

        services.AddAuthorizationBuilder()
            .AddPolicy(AdminPolicy, p => p.RequireAuthenticatedUser().RequireRole(Roles.Admin));
        // Registered after the framework's evaluator, so it replaces it: a shortcut for "signed in", the rest unchanged.
        services.AddSingleton<IPolicyEvaluator, SignedInPolicyEvaluator>();
        return services;
    }

    /// <summary>
    /// <c>UseAuthentication()</c>, with remembered bearer tokens signed in without the per-request handler
    /// (<see cref="RememberedTokenAuthentication"/>). Marked as the app's authentication middleware under the key
    /// <c>UseAuthentication</c> itself sets, so the host does not add a second one in front of the pipeline.
    /// </summary>
    public static IApplicationBuilder UseFlashSaleAuthentication(this IApplicationBuilder app)
    {
        app.Properties[AuthenticationMiddlewareSetKey] = true;
        return app.UseMiddleware<RememberedTokenAuthentication>();
    }

    private const string AuthenticationMiddlewareSetKey = "__AuthenticationMiddlewareSet";

    /// <summary>The cookie scheme for a request without a bearer token that is a page or has the cookie; else null (bearer).</summary>
    private static string? CookieOrBearer(HttpContext context)
    {
        if (context.Request.Headers.Authorization.Count > 0)
        {
            return null;
        }

        return context.Request.Cookies.ContainsKey("flashsale.auth") || !context.Request.Path.StartsWithSegments("/api")
            ? CookieAuthenticationDefaults.AuthenticationScheme
            : null;
    }

    private static Task ApiOrRedirect(RedirectContext<CookieAuthenticationOptions> context, int status)
    {
        if (context.Request.Path.StartsWithSegments("/api"))
        {
            context.Response.StatusCode = status;
            return Task.CompletedTask;
        }

        context.Response.Redirect(OnThisSite(context.RedirectUri));
        return Task.CompletedTask;
    }

    /// <summary>
    /// The path and query of the handler's redirect. It builds an absolute address from the request's Host header and
    /// the scheme Kestrel saw: a forged Host named another site in the Location, and behind a TLS proxy not in
    /// Network:TrustedProxies the browser was sent to plain http://, where the sign-in form would post the password.
    /// </summary>
    private static string OnThisSite(string redirectUri)
    {
        // Only an absolute http(s) address is cut: a relative one may hold "://" in its (escaped or not) query.
        var absolute = redirectUri.StartsWith("http://", StringComparison.OrdinalIgnoreCase)
            || redirectUri.StartsWith("https://", StringComparison.OrdinalIgnoreCase);
        var authority = absolute ? redirectUri.IndexOf("://", StringComparison.Ordinal) : -1;
        if (authority < 0)
        {
            return redirectUri;
        }

        // Kestrel refuses a Host holding '/', so the first one after the authority starts the path.
        var path = redirectUri.IndexOf('/', authority + 3);
        return path < 0 ? "/" : redirectUri[path..];
    }

    private sealed class ConfigureJwtBearer(SigningKey key, IOptions<AuthOptions> auth, CachingTokenHandler tokens)
        : IConfigureNamedOptions<JwtBearerOptions>
    {
        public void Configure(string? name, JwtBearerOptions options)
        {
            if (name != JwtBearerDefaults.AuthenticationScheme)
            {
                return;
            }

            var settings = auth.Value;
            options.ForwardDefaultSelector = CookieOrBearer;
            options.MapInboundClaims = false;
            // The same validation, remembered per token for a short while (CachingTokenHandler).
            options.TokenHandlers.Clear();
            options.TokenHandlers.Add(tokens);
            options.TokenValidationParameters = new TokenValidationParameters
            {
                ValidIssuers = [settings.Issuer],
                ValidAudiences = [settings.Audience],
                IssuerSigningKeys = [key.Key],
                // Our tokens are HS256 only; RS256/ES256 are admitted only for an external provider's keys (#5).
                ValidAlgorithms = string.IsNullOrWhiteSpace(settings.Authority)
                    ? [SecurityAlgorithms.HmacSha256]
                    : [SecurityAlgorithms.HmacSha256, SecurityAlgorithms.RsaSha256, SecurityAlgorithms.EcdsaSha256],
                ValidateIssuer = true,
                ValidateAudience = true,
                ValidateLifetime = true,
                RequireExpirationTime = true,
                RequireSignedTokens = true,
                ValidateIssuerSigningKey = true,
                ClockSkew = TimeSpan.FromSeconds(30),
                NameClaimType = AppClaims.Name,
                RoleClaimType = AppClaims.Role,
            };
            if (!string.IsNullOrWhiteSpace(settings.Authority))
            {
                // The provider's issuer and keys are merged with ours from its discovery document.
                options.Authority = settings.Authority;
                options.TokenValidationParameters.ValidAudiences = [settings.Audience, settings.ExternalAudience!];
            }

            options.Events = new JwtBearerEvents
            {
                // A token validated within the last minute is recognised before JwtBearer sets up a validation.
                OnMessageReceived = ctx =>
                {
                    if (tokens.TryRecallFrom(ctx.Request, out var principal, out var properties))
                    {
                        // What JwtBearer itself puts in the ticket after a validation.
                        ctx.Principal = principal;
                        ctx.Properties = properties;
                        ctx.Success();
                    }

                    return Task.CompletedTask;
                },
                OnAuthenticationFailed = ThrowIfStoreUnavailable,
                OnChallenge = ctx => WriteProblem(ctx.HttpContext, ctx, StatusCodes.Status401Unauthorized, Reasons.Unauthorized,
                    "Authentication is required: send a valid bearer token."),
                OnForbidden = ctx => WriteForbidden(ctx.HttpContext),
            };
        }

        public void Configure(JwtBearerOptions options) => Configure(Options.DefaultName, options);

        /// <summary>
        /// A token whose revocation could not be checked (the account store down, <see cref="CachingTokenHandler"/>) is
        /// neither valid nor invalid: thrown on, it is answered 503 + Retry-After like any request whose store is down
        /// (<see cref="StoreUnavailableExceptionHandler"/>), not 401, which would send the client to sign in again.
        /// </summary>
        private static Task ThrowIfStoreUnavailable(AuthenticationFailedContext context)
        {
            if (StoreUnavailableExceptionHandler.IsStoreUnavailable(context.Exception))
            {
                ExceptionDispatchInfo.Throw(context.Exception);
            }

            return Task.CompletedTask;
        }

        private static async Task WriteProblem(HttpContext http, JwtBearerChallengeContext ctx, int status, string reason, string title)
        {
            ctx.HandleResponse();
            // RFC 6750 3.1: a token sent and refused is invalid_token, so a client can tell it from one never sent (until
            // 2026-12-07 both were a bare "Bearer").
            http.Response.Headers.WWWAuthenticate = ctx.AuthenticateFailure is null ? "Bearer" : "Bearer error=\"invalid_token\"";
            // The handler describes only the failures it knows (bad signature, …); a token that is not a JWT at all, or lacks
            // the claims this server's tokens carry, had an empty detail ("detail":""), and an expired or not yet valid one
            // said when in the invariant culture's month/day order without a zone ('12/06/2026 12:15:19').
            var detail = ctx.AuthenticateFailure switch
            {
                SecurityTokenExpiredException expired => string.Create(CultureInfo.InvariantCulture,
                    $"The token expired at {expired.Expires:yyyy'-'MM'-'dd'T'HH':'mm':'ss'Z'}; sign in again for a new one."),
                // As the expired one: the handler's own said "not valid before '12/06/2026 15:22:40'".
                SecurityTokenNotYetValidException early => string.Create(CultureInfo.InvariantCulture,
                    $"The token is not valid before {early.NotBefore:yyyy'-'MM'-'dd'T'HH':'mm':'ss'Z'}; check the client's clock."),
                // The handler's said "The audience '(null)' is invalid" whatever audience the token named.
                SecurityTokenInvalidAudienceException => "The token was issued for another audience, not this server's API.",
                TokenRefusedException refused => refused.Message,
                // A sentence as the others are: the handler's lacks its full stop ("The signature is invalid").
                not null when ctx.ErrorDescription is { Length: > 0 } description => description.EndsWith('.') ? description : description + ".",
                not null => "The token is not valid.",
                null => null,
            };
            await ApiProblem.Create(status, reason, title, detail).ExecuteAsync(http);
        }

        private static Task WriteForbidden(HttpContext http) =>
            ApiProblem.Create(StatusCodes.Status403Forbidden, Reasons.Forbidden, "You may not do this.").ExecuteAsync(http);
    }
}
