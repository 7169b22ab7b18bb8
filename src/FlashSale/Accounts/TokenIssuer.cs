using System.Security.Claims;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace FlashSale.Accounts;

/// <summary>
/// Issues this server's bearer tokens: HS256, <c>sub</c> = user id, <c>name</c>, <c>role</c>, and <c>stamp</c>, the
/// account's credential stamp (<see cref="CredentialStamps"/>): the token is refused once the account's password or
/// role has changed.
/// </summary>
public sealed class TokenIssuer(SigningKey key, IOptions<AuthOptions> options, TimeProvider clock)
{
    private readonly JsonWebTokenHandler _handler = new();

    /// <summary>A token for an account, under its current credential stamp.</summary>
    public IssuedToken Issue(Account account) =>
        Issue(account.Id.ToString("D"), account.Username, account.Role, account.CredentialStamp);

    /// <summary>
    /// A token for <paramref name="userId"/> under <paramref name="credentialStamp"/>: the stamp of that account, or,
    /// with <paramref name="mintedBy"/> (a synthetic buyer, who has no account), the stamp of the admin account minting it.
    /// </summary>
    public IssuedToken Issue(string userId, string username, string role, string credentialStamp, string? mintedBy = null)
    {
        List<Claim> claims =
        [
            new(AppClaims.Subject, userId),
            new(AppClaims.Name, username),
            new(AppClaims.Role, role),
            new(AppClaims.CredentialStamp, credentialStamp),
        ];
        if (mintedBy is not null)
        {
            claims.Add(new Claim(AppClaims.MintedBy, mintedBy));
        }

        var now = clock.GetUtcNow();
        var expires = now + options.Value.TokenLifetime;
        var token = _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = options.Value.Issuer,
            Audience = options.Value.Audience,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = expires.UtcDateTime,
            SigningCredentials = new SigningCredentials(key.Key, SecurityAlgorithms.HmacSha256),
            Subject = new ClaimsIdentity(claims),
        });
        return new IssuedToken(token, expires);
    }
}

public sealed record IssuedToken(string AccessToken, DateTimeOffset ExpiresAt);
