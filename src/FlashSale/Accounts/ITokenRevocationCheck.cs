using System.Security.Claims;
using Microsoft.Extensions.Options;

namespace FlashSale.Accounts;

/// <summary>
/// Whether a token that is otherwise valid has been revoked since it was issued; asked by
/// <see cref="CachingTokenHandler"/> once per full validation (at most once a minute per token), never per request.
/// </summary>
public interface ITokenRevocationCheck
{
    /// <param name="identity">The validated token's claims.</param>
    /// <param name="issuer">The issuer it was validated with.</param>
    /// <param name="ct">Cancels the look-up.</param>
    ValueTask<bool> IsRevokedAsync(ClaimsIdentity identity, string? issuer, CancellationToken ct);
}

/// <summary>
/// This server's tokens are revoked once the credential stamp they carry is no longer their account's
/// (<see cref="CredentialStamps"/>); a synthetic buyer's, once it is no longer the minting admin's. Tokens of an
/// external provider (<c>Auth:Authority</c>, another issuer) carry no stamp: the provider revokes its own.
/// </summary>
public sealed class CredentialStampCheck(CredentialStamps stamps, IOptions<AuthOptions> auth) : ITokenRevocationCheck
{
    public async ValueTask<bool> IsRevokedAsync(ClaimsIdentity identity, string? issuer, CancellationToken ct)
    {
        if (!string.Equals(issuer, auth.Value.Issuer, StringComparison.Ordinal))
        {
            return false;
        }

        // Ours without a stamp (issued before stamps existed) or without an account id of ours: revoked.
        var account = identity.FindFirst(AppClaims.MintedBy)?.Value ?? identity.FindFirst(AppClaims.Subject)?.Value;
        return !Guid.TryParse(account, out var id)
            || !await stamps.IsCurrentAsync(id, identity.FindFirst(AppClaims.CredentialStamp)?.Value, ct);
    }
}
