using System.Security.Claims;

namespace FlashSale.Accounts;

/// <summary>
/// The identity of a remembered bearer token (<see cref="CachingTokenHandler"/>), shared by every request
/// that presents the token: its claims cannot be added or removed, so no request can change what another
/// sees. Copying the identity for each request instead cost a clone of every claim per request (the largest
/// allocation of a rejected purchase). Code that wants to change claims works on <see cref="ClaimsIdentity.Clone"/>,
/// which returns an ordinary, changeable copy.
/// </summary>
internal sealed class ReadOnlyClaimsIdentity : ClaimsIdentity
{
    private const string Shared = "A remembered token's identity is shared by all its requests and cannot change; change a Clone() instead.";

    public ReadOnlyClaimsIdentity(ClaimsIdentity source)
        : base(source)
    {
        // Read once per token, not once per request: the claims cannot change (AppClaims reads these first).
        Subject = FindFirst(AppClaims.Subject)?.Value;
        DisplayName = FindFirst(AppClaims.Name)?.Value ?? FindFirst(AppClaims.PreferredUsername)?.Value ?? Subject;
    }

    /// <summary>The 'sub' claim, or null.</summary>
    public string? Subject { get; }

    /// <summary>What <see cref="AppClaims.DisplayName"/> answers for this identity.</summary>
    public string? DisplayName { get; }

    public override void AddClaim(Claim claim) => throw new NotSupportedException(Shared);

    public override void AddClaims(IEnumerable<Claim?> claims) => throw new NotSupportedException(Shared);

    public override void RemoveClaim(Claim? claim) => throw new NotSupportedException(Shared);

    public override bool TryRemoveClaim(Claim? claim) => throw new NotSupportedException(Shared);
}
