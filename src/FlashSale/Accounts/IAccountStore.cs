namespace FlashSale.Accounts;

public interface IAccountStore
{
    /// <summary>False when the username is taken (case-insensitive, decided by a unique constraint).</summary>
    Task<bool> TryCreateAsync(Account account, CancellationToken ct);

    Task<Account?> FindByUsernameAsync(string username, CancellationToken ct);

    Task UpdatePasswordHashAsync(Guid id, string passwordHash, CancellationToken ct);
}
