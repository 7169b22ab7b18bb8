namespace FlashSale.Accounts;

/// <summary>
/// An account. Its <c>CredentialStamp</c> is random and replaced whenever its password or role changes
/// (<see cref="CredentialStamps"/>): every token and cookie carries the stamp it was issued under, and one whose stamp
/// is no longer the account's is refused.
/// </summary>
public sealed record Account(Guid Id, string Username, string PasswordHash, string Role, DateTimeOffset CreatedAt, string CredentialStamp);

public static class Roles
{
    public const string Admin = "admin";
    public const string Buyer = "buyer";

    /// <summary>
    /// An admin account whose name is no longer <c>Admin:Username</c> (<see cref="AdminAccount"/>): it cannot sign in
    /// until its name is configured again, which makes it the admin again.
    /// </summary>
    public const string FormerAdmin = "former-admin";
}
