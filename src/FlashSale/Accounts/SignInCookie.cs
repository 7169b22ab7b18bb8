using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Options;

namespace FlashSale.Accounts;

/// <summary>
/// What bounds a sign-in cookie besides its 8-hour sliding expiry: it carries its account's credential stamp
/// (<see cref="CredentialStamps"/>) and is refused once that is no longer the account's (a new password or role),
/// within <see cref="CredentialStamps.Fresh"/> on every instance; and it ends <c>Auth:CookieMaxAge</c> after its
/// sign-in however often it is used. A refused cookie is deleted from the browser, and a page sends it to the sign-in.
/// </summary>
internal static class SignInCookie
{
    /// <summary>
    /// When the sign-in was made (UTC ticks), in the ticket's properties: they are carried over when the cookie slides,
    /// while its issue time is reset each time.
    /// </summary>
    private const string SignedInItem = ".signedIn";

    /// <summary>The cookie handler's SigningIn event: the account's current stamp and the sign-in time go into the cookie.</summary>
    public static async Task SigningInAsync(CookieSigningInContext context)
    {
        context.Properties.Items[SignedInItem] = Now(context.Options).UtcTicks.ToString(CultureInfo.InvariantCulture);
        if (context.Principal?.Identity is ClaimsIdentity identity && identity.FindFirst(AppClaims.CredentialStamp) is null
            && Guid.TryParse(identity.FindFirst(AppClaims.Subject)?.Value, out var accountId))
        {
            // Read now, not remembered: a password changed on another instance within the last seconds is already in it.
            var stamp = await context.HttpContext.RequestServices.GetRequiredService<CredentialStamps>()
                .ReadAsync(accountId, context.HttpContext.RequestAborted);
            if (stamp is not null)
            {
                identity.AddClaim(new Claim(AppClaims.CredentialStamp, stamp));
            }
        }
    }

    /// <summary>The cookie handler's ValidatePrincipal event, on every request that carries the cookie.</summary>
    public static async Task ValidatePrincipalAsync(CookieValidatePrincipalContext context)
    {
        var services = context.HttpContext.RequestServices;
        var maxAge = services.GetRequiredService<IOptions<AuthOptions>>().Value.CookieMaxAge;
        var principal = context.Principal;
        var valid = principal is not null
            && context.Properties.Items.TryGetValue(SignedInItem, out var signedIn)
            && long.TryParse(signedIn, NumberStyles.None, CultureInfo.InvariantCulture, out var signedInTicks)
            && Now(context.Options).UtcTicks - signedInTicks < maxAge.Ticks
            && Guid.TryParse(principal.FindFirst(AppClaims.Subject)?.Value, out var accountId)
            && await services.GetRequiredService<CredentialStamps>()
                .IsCurrentAsync(accountId, principal.FindFirst(AppClaims.CredentialStamp)?.Value, context.HttpContext.RequestAborted);
        if (!valid)
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        }
    }

    private static DateTimeOffset Now(CookieAuthenticationOptions options) => (options.TimeProvider ?? TimeProvider.System).GetUtcNow();
}
