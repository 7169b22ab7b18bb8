using System.Security.Claims;
using FlashSale.Accounts;
using FlashSale.Common;
using FlashSale.RateLimiting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using static FlashSale.Web.Html;

namespace FlashSale.Web;

/// <summary>Register, sign in and sign out with the same accounts as the API; the web pages get a cookie.</summary>
public static class AccountPages
{
    public static IEndpointRouteBuilder MapAccountPages(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/login", (HttpContext c, [IgnoredWhenRepeated] string? returnUrl, [IgnoredWhenRepeated] string? m) =>
                Form(c, SignInMode, returnUrl, null, Notice(m), note: NotAnAdmin(c.User, returnUrl) ?? SessionEnded(m)))
            .ExcludeFromDescription();
        // Counted as the API's sign-in and registration by the rate-limit rules (auth-per-ip: 60 a minute per address).
        // Refused by a rule, the form comes back with its own message (docs/web.md), not the generic problem page.
        routes.MapPost("/login", SignIn).RateLimitedAs(AccountsApi.IssueTokenName)
            .RefusedWithRedirect((_, reason) => $"/login?m={reason}").ExcludeFromDescription();
        routes.MapGet("/register", (HttpContext c, [IgnoredWhenRepeated] string? returnUrl, [IgnoredWhenRepeated] string? m) => Form(c, RegisterMode, returnUrl, null, Notice(m)))
            .ExcludeFromDescription();
        routes.MapPost("/register", Register).RateLimitedAs(AccountsApi.RegisterName)
            .RefusedWithRedirect((_, reason) => $"/register?m={reason}").ExcludeFromDescription()
            .MayHaveWrittenOnStoreFailure(AccountsApi.RegistrationUnfinished);
        routes.MapPost("/logout", SignOut).RequireAntiforgery().ExcludeFromDescription();
        return routes;
    }

    /// <summary>The message a redirect back to the form carries: the rate limit's or the limiter's outage (any other code shows nothing).</summary>
    private static string? Notice(string? code) => code switch
    {
        Reasons.RateLimited => "Too many attempts from your address — wait a minute, then try again.",
        Reasons.Unavailable => "We cannot take sign-ins right now; nothing was changed. Please try again in a moment.",
        _ => null,
    };

    /// <summary>
    /// A signed-in buyer sent here from an admin page (the cookie scheme's access denied is this page: AuthSetup) is told
    /// why: until 2026-12-07 they read a blank sign-in form under a header saying "Sign out (bob)", and nothing said the
    /// account was not an admin's.
    /// </summary>
    private static Flash? NotAnAdmin(ClaimsPrincipal user, string? returnUrl)
    {
        if (user.Identity?.IsAuthenticated != true || user.IsInRole(Roles.Admin) || returnUrl is not { Length: > 0 })
        {
            return null;
        }

        var path = returnUrl.Split('?', '#')[0];
        return path == "/admin" || path.StartsWith("/admin/", StringComparison.Ordinal)
            ? Flash.Warn($"You are signed in as {user.DisplayName()}, which is not an admin account. Sign in with an admin account to open that page.")
            : null;
    }

    /// <summary>The message code of a form posted after the session lapsed (<see cref="MarkLapsedFormPost"/>).</summary>
    public const string SessionEndedCode = "session_ended";

    /// <summary>
    /// A form posted without a valid session (the cookie lapsed while the admin typed, or they signed out in another tab) is
    /// sent here, and what was typed is gone: said so. Until 2026-12-07 the sign-in form came up without a word, and the
    /// admin could believe the sale had been saved.
    /// </summary>
    private static Flash? SessionEnded(string? code) => code == SessionEndedCode
        ? Flash.Warn("Your session ended; sign in again. Your changes were not saved.")
        : null;

    /// <summary>
    /// The cookie scheme's sign-in redirect (<paramref name="loginUri"/>, <c>/login?ReturnUrl=…</c>) for
    /// <paramref name="request"/>: a form's post (anything but GET and HEAD) gets <see cref="SessionEndedCode"/>, so the
    /// sign-in page says the changes were lost, and the create form's post, whose address has no page, returns to the form.
    /// For the cookie's <c>OnRedirectToLogin</c> (AuthSetup).
    /// </summary>
    public static string MarkLapsedFormPost(HttpRequest request, string loginUri)
    {
        if (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method))
        {
            return loginUri;
        }

        // POST /admin/sales creates; sign-in would return a GET there, which is no page.
        var uri = loginUri.Replace("ReturnUrl=%2Fadmin%2Fsales&", "ReturnUrl=%2Fadmin%2Fsales%2Fnew&", StringComparison.OrdinalIgnoreCase);
        if (uri.EndsWith("ReturnUrl=%2Fadmin%2Fsales", StringComparison.OrdinalIgnoreCase))
        {
            uri += "%2Fnew";
        }

        return uri + (uri.Contains('?', StringComparison.Ordinal) ? "&" : "?") + "m=" + SessionEndedCode;
    }

    private const string SignInMode = "login";
    private const string RegisterMode = "register";

    private static async Task<Results<RedirectHttpResult, ContentHttpResult>> SignIn([FromForm] CredentialsForm? posted,
        HttpContext context, AccountService accounts, DeviceCookies devices, CancellationToken ct)
    {
        var form = posted ?? new CredentialsForm();
        var request = new CredentialsRequest(form.Username ?? "", form.Password ?? "");
        var valid = request.Validate().IsValid;
        // A device cookie from this browser's earlier sign-in of this username: counted as the device's own attempt.
        var device = valid ? devices.DeviceOf(context.Request, request.Username) : null;
        var result = valid ? await accounts.SignInAsync(request.Username, request.Password, device, ct) : SignInAttempt.Invalid;
        if (Refusal(context, result.Outcome, result.RetryAfterSeconds) is { } refused)
        {
            return Form(context, SignInMode, form.ReturnUrl, form.Username, refused.Message, refused.Status);
        }

        if (result.Account is not { } account)
        {
            return Form(context, SignInMode, form.ReturnUrl, form.Username, "The username or password is wrong.", 401, fields: WrongPair);
        }

        devices.Issue(context, account.Username, device);
        await SignInCookieAsync(context, account);
        return TypedResults.LocalRedirect(SafeReturn(form.ReturnUrl, account));
    }

    private static async Task<Results<RedirectHttpResult, ContentHttpResult>> Register([FromForm] CredentialsForm? posted,
        HttpContext context, AccountService accounts, DeviceCookies devices, CancellationToken ct)
    {
        var form = posted ?? new CredentialsForm();
        var request = new CredentialsRequest(form.Username ?? "", form.Password ?? "");
        var validation = request.ValidateNewAccount();
        if (!validation.IsValid)
        {
            var errors = string.Join(" ", validation.Errors.Select(e => $"{Capital(e.Key)} {string.Join(" ", e.Value)}"));
            return Form(context, RegisterMode, form.ReturnUrl, form.Username, errors, 400, fields: validation.Errors);
        }

        var registered = await accounts.RegisterAsync(request.Username, request.Password, Roles.Buyer, ct);
        if (registered.Outcome == RegisterOutcome.Busy
            && Refusal(context, SignInOutcome.Busy, registered.RetryAfterSeconds) is { } refused)
        {
            return Form(context, RegisterMode, form.ReturnUrl, form.Username, refused.Message, refused.Status);
        }

        if (registered.Account is not { } account)
        {
            return Form(context, RegisterMode, form.ReturnUrl, form.Username, "This username is taken. Choose another.", 409);
        }

        // Signed in by creating the account: the browser is the account's first device.
        devices.Issue(context, account.Username, device: null);
        await SignInCookieAsync(context, account);
        return TypedResults.LocalRedirect(SafeReturn(form.ReturnUrl, account));
    }

    /// <summary>
    /// A sign-in refused before its password was checked: the form again with its message and the status and
    /// Retry-After the API would send (429 for the account's throttle, 503 when password hashing is full), not a problem.
    /// </summary>
    private static (string Message, int Status)? Refusal(HttpContext context, SignInOutcome outcome, int retryAfterSeconds)
    {
        (string, int)? refusal = outcome switch
        {
            SignInOutcome.Throttled => ("Too many sign-ins for this username — wait a few minutes, then try again.",
                StatusCodes.Status429TooManyRequests),
            SignInOutcome.Busy or SignInOutcome.Unavailable => ("The server is busy signing people in — try again in a moment.",
                StatusCodes.Status503ServiceUnavailable),
            _ => null,
        };
        if (refusal is not null)
        {
            ApiProblem.RetryAfter(context, retryAfterSeconds);
        }

        return refusal;
    }

    /// <summary>Signs out; the device cookie stays (<see cref="DeviceCookies"/>): the browser is still a device the account has used.</summary>
    private static async Task<RedirectHttpResult> SignOut(HttpContext context, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        return TypedResults.LocalRedirect("/");
    }

    private static Task SignInCookieAsync(HttpContext context, Account account)
    {
        var identity = new ClaimsIdentity(
        [
            new Claim(AppClaims.Subject, account.Id.ToString("D")),
            new Claim(AppClaims.Name, account.Username),
            new Claim(AppClaims.Role, account.Role),
        ], CookieAuthenticationDefaults.AuthenticationScheme, AppClaims.Name, AppClaims.Role);
        return context.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, new ClaimsPrincipal(identity));
    }

    /// <summary>
    /// Only a path on this site: an open redirect would make the sign-in page a phishing tool. Visible ASCII only:
    /// LocalRedirect throws on a control character and Kestrel refuses a Location header that is not ASCII, and either
    /// 500 would come after the account was created and signed in (the cookie lost with it). Our own links escape
    /// their addresses, so a raw space or non-ASCII character never comes from this site.
    /// </summary>
    private static string SafeReturn(string? returnUrl, Account account) =>
        returnUrl is { Length: > 0 } url && url[0] == '/' && (url.Length == 1 || (url[1] != '/' && url[1] != '\\'))
            && url.All(c => c is > ' ' and < '\u007f')
            ? url
            : account.Role == Roles.Admin ? "/admin" : "/";

    /// <summary>A wrong pair at sign-in: either field may be the wrong one, so both are marked, described by the form's error.</summary>
    private static readonly Dictionary<string, string[]> WrongPair = new(StringComparer.Ordinal) { ["username"] = [], ["password"] = [] };

    // fields: the fields in error, each with its own error line under it (register's rules), or none (WrongPair): then
    // described by the form's error. Until 2026-12-07 the form's error was tied to the username alone, whichever field
    // was wrong, and neither field was marked invalid.
    private static ContentHttpResult Form(HttpContext context, string mode, string? returnUrl, string? username,
        string? error, int status = 200, Flash? note = null, IDictionary<string, string[]>? fields = null)
    {
        var register = mode == RegisterMode;
        var title = register ? "Create an account" : "Sign in";
        // The other form keeps where the buyer was going: "Sign in to buy" on a sale, then "Create an account", went to
        // the front page after registering, and a new buyer had to find the sale again while it sold out.
        var back = string.IsNullOrEmpty(returnUrl) ? "" : "?returnUrl=" + Uri.EscapeDataString(returnUrl);
        var other = register
            ? H($"""Already have an account? <a href="/login{back}">Sign in</a>""")
            : H($"""New here? <a href="/register{back}">Create an account</a>""");
        var main = H($"""
            <section class="narrow">
              <h1>{title}</h1>
              {When(error is not null, H($"""<p class="flash error" role="alert" tabindex="-1" autofocus id="form-error">{error}</p>"""))}
              <form method="post" action="/{mode}" class="stack">
                {Layout.Antiforgery(context)}
                <input type="hidden" name="returnUrl" value="{returnUrl ?? ""}">
                <label for="username">Username</label>
                <input id="username" name="username" autocomplete="username" required minlength="3" maxlength="32" value="{username ?? ""}"{Described("username", register ? "username-hint" : null, error, fields)}>
                {When(register, H($"""<p id="username-hint" class="muted small">3–32 letters, digits, '_', '-' or '.'.</p>"""))}
                {ErrorLine("username", fields)}
                <label for="password">Password</label>
                <input id="password" name="password" type="password" autocomplete="{(register ? "new-password" : "current-password")}" required minlength="8" maxlength="128"{Described("password", register ? "password-hint" : null, error, fields)}>
                {When(register, H($"""<p id="password-hint" class="muted small">At least 8 characters, and not one that is easy to guess (12345678, password1, your username).</p>"""))}
                {ErrorLine("password", fields)}
                <button type="submit" class="button primary">{title}</button>
              </form>
              <p>{other}</p>
            </section>
            """);
        // "Error: " first in the title, the message focused (autofocus, no script needed): a refused form is a new page, and
        // a screen reader announced only its unchanged title, the alert having been there from its load.
        return Layout.Page(context, error is null ? title : Layout.ErrorTitle(title), main, note, status);
    }

    /// <summary>
    /// What describes a field: its rule before a new account is asked for (it was learnt only from a refusal), and after a
    /// refusal its own error line, or the form's error (a field in error without a line of its own; the username for a
    /// refusal that names no field, as the throttle's); a field in error is marked invalid.
    /// </summary>
    private static Html Described(string field, string? hint, string? error, IDictionary<string, string[]>? fields)
    {
        string[]? own = null;
        var invalid = fields?.TryGetValue(field, out own) == true;
        var formError = error is not null && (invalid ? own!.Length == 0 : fields is null && field == "username");
        var ids = string.Join(' ', new[] { hint, own is { Length: > 0 } ? field + "-error" : null, formError ? "form-error" : null }.OfType<string>());
        return H($"{When(invalid, H($" aria-invalid=\"true\""))}{When(ids.Length > 0, H($" aria-describedby=\"{ids}\""))}");
    }

    /// <summary>A field's own error under it (the summary above the form keeps them all).</summary>
    private static Html ErrorLine(string field, IDictionary<string, string[]>? fields) =>
        fields is not null && fields.TryGetValue(field, out var own) && own.Length > 0
            ? H($"""<p class="field-error" id="{field}-error">{Capital(field)} {string.Join(" ", own)}</p>""")
            : Html.Empty;

    private static string Capital(string field) => field.Length == 0 ? field : char.ToUpperInvariant(field[0]) + field[1..];
}

/// <summary>
/// The sign-in and register forms as posted. Properties, not constructor parameters: form binding refuses a post
/// that lacks any constructor parameter (a default does not help), so a missing <c>returnUrl</c> was a 400 in the
/// framework's words; a missing field is now one left blank. A post with none of them binds no form at all (null).
/// </summary>
public sealed record CredentialsForm
{
    public string? Username { get; init; }

    public string? Password { get; init; }

    public string? ReturnUrl { get; init; }
}
