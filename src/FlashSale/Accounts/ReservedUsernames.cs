using FlashSale.Common;

namespace FlashSale.Accounts;

/// <summary>
/// Usernames no one may register: those of the synthetic buyers the admin mints for drills (<c>synthetic-</c> and the
/// id's first 8 characters, POST /api/v1/admin/tokens). Until 2026-12-07 anyone could register one, and the admin's
/// order lookup by that username found the impostor's account instead of the drill's buyer.
/// </summary>
public static class ReservedUsernames
{
    public const string SyntheticPrefix = "synthetic-";

    /// <summary>A synthetic buyer's username, from its id.</summary>
    public static string Synthetic(string userId) => SyntheticPrefix + userId[..8];

    /// <summary>
    /// A registration's rule beside the sign-in's (<see cref="CredentialsRequest.Validate"/>), for the API and the form
    /// alike: no reserved name, in any case. Only registering is refused; a sign-in keeps the sign-in's rules.
    /// </summary>
    public static Validation NotReserved(this Validation validation, string? username) =>
        validation.Require(username is null || !username.StartsWith(SyntheticPrefix, StringComparison.OrdinalIgnoreCase),
            "username", $"must not start with '{SyntheticPrefix}': the prefix is reserved for the admin's synthetic buyers.");
}
