namespace FlashSale.Accounts;

/// <summary>Registration and sign-in, shared by the JSON API and the web pages.</summary>
public sealed class AccountService(IAccountStore accounts, PasswordHashing hashing, TimeProvider clock)
{
    /// <summary>A fixed hash to verify against when the user does not exist: same cost, no user enumeration by timing.</summary>
    private readonly Lazy<string> _decoyHash = new(() => hashing.Hash(Guid.NewGuid().ToString()));

    public async Task<Account?> RegisterAsync(string username, string password, string role, CancellationToken ct)
    {
        var account = new Account(Guid.NewGuid(), username, hashing.Hash(password), role, clock.GetUtcNow(), CredentialStamps.New());
        return await accounts.TryCreateAsync(account, ct) ? account : null;
    }

    public async Task<Account?> SignInAsync(string username, string password, CancellationToken ct)
    {
        var account = await accounts.FindByUsernameAsync(username, ct);
        var check = hashing.Verify(account?.PasswordHash ?? _decoyHash.Value, password);
        // A former admin (Admin:Username changed, AdminAccount) cannot sign in: the same answer as a wrong password.
        if (account is null || check == PasswordCheck.Invalid || account.Role == Roles.FormerAdmin)
        {
            return null;
        }

        if (check == PasswordCheck.ValidRehash)
        {
            // The same password: the credential stamp stays, and so do the account's other sign-ins.
            await accounts.UpdatePasswordHashAsync(account.Id, hashing.Hash(password), ct);
        }

        return account;
    }
}
