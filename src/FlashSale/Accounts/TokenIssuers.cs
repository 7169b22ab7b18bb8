using System.Security.Claims;
using Microsoft.IdentityModel.Tokens;

namespace FlashSale.Accounts;

/// <summary>
/// Whose a validated bearer token is, and who it signs in as. With an external provider (<c>Auth:Authority</c>) JwtBearer
/// validates every token against the union of this server's issuer, audience and key and the provider's: on that alone
/// a provider's token carrying this server's audience, a token of ours carrying the provider's audience, or one the
/// provider signed naming this server as its issuer would all pass. Here each issuer is held to its own audience and
/// key. And a provider's users are its own: its <c>sub</c> signs in as <c>ext:{sub}</c>, never as an account of this
/// server whose id it happens to equal (G8), and its role claims make nobody an admin here unless
/// <c>Auth:ExternalAdminRole</c> names the role that does.
/// </summary>
internal sealed class TokenIssuers(AuthOptions auth, SecurityKey ours)
{
    /// <summary>Put before an external provider's subject: no id of this server's (a GUID) starts with it.</summary>
    public const string ExternalSubjectPrefix = "ext:";

    /// <summary>OpenID Connect's bound on a subject (Core 1.0, 2: "MUST NOT exceed 255 ASCII characters").</summary>
    public const int MaxSubjectLength = 255;

    /// <summary>A provider's display name longer than this is not shown (orders keep the buyer's name); the subject is.</summary>
    public const int MaxNameLength = 100;

    /// <summary>
    /// The identity a token validated with <paramref name="issuer"/> signs in as: a token of ours as it is, a provider's
    /// mapped into its own space. Throws <see cref="TokenRefusedException"/> (a 401 with its message) when the token's
    /// audience or key is not its issuer's.
    /// </summary>
    public ClaimsIdentity Admit(ClaimsIdentity identity, SecurityToken token, string? issuer)
    {
        var audiences = identity.FindAll(JwtClaim.Audience).Select(c => c.Value).ToList();
        if (string.Equals(issuer, auth.Issuer, StringComparison.Ordinal))
        {
            if (!ReferenceEquals(token.SigningKey, ours))
            {
                throw new TokenRefusedException("The token names this server as its issuer but was not signed with its key.");
            }

            return audiences.Contains(auth.Audience, StringComparer.Ordinal) ? identity
                : throw new TokenRefusedException("The token was issued for another audience, not this server's API.");
        }

        if (ReferenceEquals(token.SigningKey, ours) || string.IsNullOrWhiteSpace(auth.Authority))
        {
            throw new TokenRefusedException("The token was signed with this server's key but names another issuer.");
        }

        if (!audiences.Contains(auth.ExternalAudience!, StringComparer.Ordinal))
        {
            throw new TokenRefusedException("The token was issued for another audience, not this server's API.");
        }

        var subject = identity.FindFirst(AppClaims.Subject)!.Value;
        if (subject.Length > MaxSubjectLength || subject.Any(char.IsControl))
        {
            throw new TokenRefusedException($"The token's subject ('sub') is not usable: at most {MaxSubjectLength} characters, no control characters.");
        }

        var admin = !string.IsNullOrWhiteSpace(auth.ExternalAdminRole) && identity.Claims.Any(c =>
            c.Type is AppClaims.Role or JwtClaim.Roles && string.Equals(c.Value, auth.ExternalAdminRole, StringComparison.Ordinal));
        List<Claim> claims =
        [
            new(AppClaims.Subject, ExternalSubjectPrefix + subject),
            new(AppClaims.Role, admin ? Roles.Admin : Roles.Buyer),
        ];
        var name = identity.FindFirst(AppClaims.Name)?.Value ?? identity.FindFirst(AppClaims.PreferredUsername)?.Value;
        if (!string.IsNullOrWhiteSpace(name) && name.Length <= MaxNameLength && !name.Any(char.IsControl))
        {
            claims.Add(new Claim(AppClaims.Name, name));
        }

        return new ClaimsIdentity(claims, identity.AuthenticationType, AppClaims.Name, AppClaims.Role);
    }

    private static class JwtClaim
    {
        public const string Audience = "aud";

        /// <summary>Where several providers (Microsoft Entra ID among them) put a user's application roles.</summary>
        public const string Roles = "roles";
    }
}
