namespace FlashSale.Accounts;

/// <summary>Registration and sign-in, shared by the JSON API and the web pages.</summary>
public sealed class AccountService(IAccountStore accounts, PasswordHashing hashing, TimeProvider clock)
{
    /// <summary>A fixed hash to verify against when the user does not exist: same cost, no user enumeration by timing.</summary>
    private readonly Lazy<string> _decoyHash = new(() => hashing.Hash(Guid.NewGuid().ToString()));

    public async Task<Account?> RegisterAsync(string username, string password, string role, CancellationToken ct)
    {
        var account = new Account(Guid.NewGuid(), username, hashing.Hash(password), role, clock.GetUtcNow());
        return await accounts.TryCreateAsync(account, ct) ? account : null;
    }

    public async Task<Account?> SignInAsync(string username, string password, CancellationToken ct)
    {
        var account = await accounts.FindByUsernameAsync(username, ct);
        var check = hashing.Verify(account?.PasswordHash ?? _decoyHash.Value, password);
        if (account is null || check == PasswordCheck.Invalid)
        {
            return null;
        }

        if (check == PasswordCheck.ValidRehash)
        {
            await accounts.UpdatePasswordHashAsync(account.Id, hashing.Hash(password), ct);
        }

        return account;
    }
}
