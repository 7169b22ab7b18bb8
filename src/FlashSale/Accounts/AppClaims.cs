using System.Security.Claims;

namespace FlashSale.Accounts;

/// <summary>Claim names as they appear in the token: no inbound mapping to the long SOAP names.</summary>
public static class AppClaims
{
    public const string Subject = "sub";
    public const string Name = "name";
    public const string Role = "role";
    public const string PreferredUsername = "preferred_username";

    /// <summary>The credential stamp the token or cookie was issued under (<see cref="CredentialStamps"/>).</summary>
    public const string CredentialStamp = "stamp";

    /// <summary>
    /// A synthetic buyer's token only: the admin account that minted it, whose stamp it carries. Synthetic buyers have
    /// no account of their own, so their tokens live on the minting admin's credentials.
    /// </summary>
    public const string MintedBy = "minted_by";

    /// <summary>
    /// The caller's user id; only ever from the validated token or cookie, never from a body. A remembered
    /// token's identity has it at hand (the first identity is where a search of the claims finds it first).
    /// </summary>
    public static string UserId(this ClaimsPrincipal user) =>
        (user.Identity as ReadOnlyClaimsIdentity)?.Subject
        ?? user.FindFirstValue(Subject) ?? throw new InvalidOperationException("An authenticated principal without 'sub'.");

    public static string DisplayName(this ClaimsPrincipal user) =>
        (user.Identity as ReadOnlyClaimsIdentity)?.DisplayName
        ?? user.FindFirstValue(Name) ?? user.FindFirstValue(PreferredUsername) ?? user.UserId();
}
