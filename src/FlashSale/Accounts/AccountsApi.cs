using FlashSale.Admin;
using System.Globalization;
using System.Security.Claims;
using FlashSale.Common;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace FlashSale.Accounts;

public static class AccountsApi
{
    /// <summary>Endpoint names the rate-limit rules refer to (auth-per-ip); the web forms are counted under them too.</summary>
    public const string RegisterName = "Register";

    public const string IssueTokenName = "IssueToken";

    /// <summary>A store failing under a registration: the account's insert may have committed before (an answer lost).</summary>
    internal const string RegistrationUnfinished =
        "A store was unavailable partway: the account may have been created. Sign in with it before registering again.";

    private const string BusyNote = "password hashing is at its limit (`Auth:PasswordHashing`: no turn came in time), or the rate "
        + "limiter is down: nothing was created and no failure counted";

    public static RouteGroupBuilder MapAccounts(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1").WithTags("Accounts");
        group.MapPost("/accounts", Register).WithName(RegisterName)
            .WithSummary("Creates a buyer account.").ReadsJson<CredentialsRequest>()
            .Refuses(StatusCodes.Status400BadRequest, Reasons.ValidationFailed).Refuses(StatusCodes.Status409Conflict, Reasons.UsernameTaken)
            .ExplainsProblem(StatusCodes.Status503ServiceUnavailable, BusyNote)
            .MayHaveWrittenOnStoreFailure(RegistrationUnfinished);
        group.MapGet("/accounts/{id}", GetAccount).WithName("GetAccount")
            .WithSummary("The caller's own account: where a registration's Location points. Any other id is 404.")
            .Refuses(StatusCodes.Status404NotFound, Reasons.NotFound).RequireAuthorization();
        group.MapPost("/auth/token", IssueToken).WithName(IssueTokenName)
            .WithSummary("Exchanges a username and password for a bearer token.")
            .WithDescription($"A sign-in that succeeds also sets the device cookie `{DeviceCookies.CookieName}` (HttpOnly, "
                + "long-lived; it authenticates nothing). Sent back with later sign-ins of the same username, it has them "
                + "counted against this client's own allowance rather than the username's, so failures from elsewhere do not lock "
                + "this client out. A client without a cookie jar simply shares the username's allowance.")
            .ReadsJson<CredentialsRequest>()
            .Refuses(StatusCodes.Status401Unauthorized, Reasons.InvalidCredentials)
            .ExplainsProblem(StatusCodes.Status429TooManyRequests,
                "the address's rules (`per-ip`, `auth-per-ip`) count every call, named in `rule`; "
                + $"`{RateLimiting.RateLimitingSetup.SignInThrottleRule}`: too many failed sign-ins for this username, from any address "
                + "(or, with a valid device cookie for it, from this device); every such sign-in is refused, the right password too, "
                + "until the window slides")
            .ExplainsProblem(StatusCodes.Status503ServiceUnavailable, BusyNote)
            .ExplainsProblem(StatusCodes.Status503ServiceUnavailable, "a store is down: nothing was changed");
        group.MapPost("/admin/tokens", MintSyntheticBuyers).WithName("MintSyntheticBuyers")
            .WithSummary("Load testing only (Auth:SyntheticBuyers:Enabled): mints tokens for synthetic buyers.")
            .ReadsJson<SyntheticTokensRequest>()
            .Refuses(StatusCodes.Status400BadRequest, Reasons.ValidationFailed).Refuses(StatusCodes.Status404NotFound, Reasons.FeatureDisabled)
            .ExplainsProblem(StatusCodes.Status403Forbidden,
                "`forbidden`: the token is not an admin's, or is an external provider's admin (synthetic tokens are minted by this "
                + "server's own admin account); `csrf_check_failed`: signed in by the site's cookie without X-Requested-With")
            .RequireAuthorization(AuthSetup.AdminPolicy).WithTags("Admin").AuditWrites();
        return group;
    }

    private static async Task<Results<Created<AccountResponse>, ProblemHttpResult>> Register(HttpRequest request,
        AccountService accounts, CancellationToken ct)
    {
        var body = await StrictJson.ReadAsync<CredentialsRequest>(request, ct);
        if (body.Problem is not null)
        {
            return body.Problem;
        }

        var validation = body.Value!.ValidateNewAccount();
        if (!validation.IsValid)
        {
            return ApiProblem.Validation(validation.Errors);
        }

        var registered = await accounts.RegisterAsync(body.Value.Username, body.Value.Password, Roles.Buyer, ct);
        if (registered.Outcome == RegisterOutcome.Busy)
        {
            return Busy(request.HttpContext, registered.RetryAfterSeconds);
        }

        if (registered.Account is not { } account)
        {
            return ApiProblem.Create(StatusCodes.Status409Conflict, Reasons.UsernameTaken, "This username is taken.");
        }

        return TypedResults.Created($"/api/v1/accounts/{account.Id}",
            new AccountResponse(account.Id, account.Username, account.Role, account.CreatedAt));
    }

    /// <summary>
    /// The caller's own account, read by the token's username and held to its id (a name no longer the account's finds
    /// another account or none: 404). Another account's id is answered as an unknown one: ids are not confirmed to
    /// strangers (G8). Synthetic buyers and an external provider's users have no account here: 404.
    /// </summary>
    private static async Task<Results<Ok<AccountResponse>, ProblemHttpResult>> GetAccount(string id, ClaimsPrincipal user,
        IAccountStore store, CancellationToken ct)
    {
        var account = RouteIds.TryParse(id, out var accountId) && Guid.TryParse(user.UserId(), out var caller) && caller == accountId
            ? await store.FindByUsernameAsync(user.DisplayName(), ct)
            : null;
        if (account is null || account.Id != accountId)
        {
            return ApiProblem.NotFound(Reasons.NotFound, "You have no account with this id.");
        }

        return TypedResults.Ok(new AccountResponse(account.Id, account.Username, account.Role, account.CreatedAt));
    }

    private static async Task<Results<Ok<TokenResponse>, ProblemHttpResult>> IssueToken(HttpRequest request,
        AccountService accounts, TokenIssuer tokens, DeviceCookies devices, CancellationToken ct)
    {
        var body = await StrictJson.ReadAsync<CredentialsRequest>(request, ct);
        if (body.Problem is not null)
        {
            return body.Problem;
        }

        var validation = body.Value!.Validate();
        var device = validation.IsValid ? devices.DeviceOf(request, body.Value.Username) : null;
        var result = validation.IsValid ? await accounts.SignInAsync(body.Value.Username, body.Value.Password, device, ct) : SignInAttempt.Invalid;
        var context = request.HttpContext;
        switch (result.Outcome)
        {
            case SignInOutcome.Throttled:
                var rule = result.Rule!;
                return ApiProblem.RateLimited(context, rule.Name, result.RetryAfterSeconds, "Too many sign-ins for this username.",
                    string.Create(CultureInfo.InvariantCulture,
                        $"At most {rule.PermitLimit} failed sign-ins per {rule.Window} ('{rule.Name}'). Retry after {result.RetryAfterSeconds} s."));
            case SignInOutcome.Busy:
                return Busy(context, result.RetryAfterSeconds);
            case SignInOutcome.Unavailable:
                return ApiProblem.Unavailable(context, "Sign-in is unavailable; nothing was changed. Try again shortly.", result.RetryAfterSeconds);
        }

        if (result.Account is not { } account)
        {
            // One answer for unknown user and wrong password: no account enumeration.
            return ApiProblem.Create(StatusCodes.Status401Unauthorized, Reasons.InvalidCredentials,
                "The username or password is wrong.");
        }

        devices.Issue(context, account.Username, device);
        var token = tokens.Issue(account);
        return TypedResults.Ok(new TokenResponse(token.AccessToken, "Bearer", token.ExpiresAt));
    }

    private static ProblemHttpResult Busy(HttpContext context, int retryAfterSeconds) =>
        ApiProblem.Unavailable(context, "Too many sign-ins and registrations are waiting for password hashing; nothing was changed. "
            + "Try again shortly.", retryAfterSeconds);

    private static async Task<Results<Ok<SyntheticTokensResponse>, ProblemHttpResult>> MintSyntheticBuyers(
        HttpRequest request, ClaimsPrincipal admin, TokenIssuer tokens, IOptions<AuthOptions> options, CancellationToken ct)
    {
        var settings = options.Value.SyntheticBuyers;
        if (!settings.Enabled)
        {
            return ApiProblem.Create(StatusCodes.Status404NotFound, Reasons.FeatureDisabled,
                "Synthetic buyers are disabled.", "Start the server with Auth__SyntheticBuyers__Enabled=true to mint load-test tokens.");
        }

        // Synthetic buyers have no account: their tokens carry the minting admin's credential stamp and end with it
        // (a new admin password). An admin of an external provider has no stamp here to lend.
        var adminId = admin.FindFirst(AppClaims.Subject)?.Value;
        var adminStamp = admin.FindFirst(AppClaims.CredentialStamp)?.Value;
        if (adminId is null || adminStamp is null)
        {
            return ApiProblem.Create(StatusCodes.Status403Forbidden, Reasons.Forbidden,
                "Synthetic buyers are minted by this server's own admin account.",
                "Sign in with Admin:Username's account (POST /api/v1/auth/token) to mint load-test tokens.");
        }

        var body = await StrictJson.ReadAsync<SyntheticTokensRequest>(request, ct);
        if (body.Problem is not null)
        {
            return body.Problem;
        }

        if (body.Value!.Count < 1 || body.Value.Count > settings.MaxPerRequest)
        {
            return ApiProblem.Validation("count", $"must be between 1 and {settings.MaxPerRequest}.");
        }

        // Random ids: synthetic buyers never collide with each other or with real accounts.
        var minted = new List<SyntheticToken>(body.Value.Count);
        DateTimeOffset expires = default;
        for (var i = 0; i < body.Value.Count; i++)
        {
            var userId = Guid.NewGuid().ToString("D");
            var username = ReservedUsernames.Synthetic(userId);
            var token = tokens.Issue(userId, username, Roles.Buyer, adminStamp, mintedBy: adminId);
            expires = token.ExpiresAt;
            minted.Add(new SyntheticToken(userId, username, token.AccessToken));
        }

        return TypedResults.Ok(new SyntheticTokensResponse(minted, expires));
    }
}
