namespace FlashSale.Accounts;

public interface IAccountStore
{
    /// <summary>False when the username is taken (case-insensitive, decided by a unique constraint).</summary>
    Task<bool> TryCreateAsync(Account account, CancellationToken ct);

    Task<Account?> FindByUsernameAsync(string username, CancellationToken ct);

    /// <summary>The account's credential stamp, or null when there is no such account.</summary>
    Task<string?> FindCredentialStampAsync(Guid id, CancellationToken ct);

    /// <summary>Every account that is not a buyer (admins and former admins): a handful, found by a partial index.</summary>
    Task<IReadOnlyList<Account>> FindNonBuyersAsync(CancellationToken ct);

    /// <summary>The same password hashed again (stronger parameters): the credential stamp is kept.</summary>
    Task UpdatePasswordHashAsync(Guid id, string passwordHash, CancellationToken ct);

    /// <summary>A new password, with a new credential stamp in the same write: what was issued before stops working.</summary>
    Task ChangePasswordAsync(Guid id, string passwordHash, string credentialStamp, CancellationToken ct);

    /// <summary>A new role, with a new credential stamp in the same write: what was issued before stops working.</summary>
    Task ChangeRoleAsync(Guid id, string role, string credentialStamp, CancellationToken ct);
}
