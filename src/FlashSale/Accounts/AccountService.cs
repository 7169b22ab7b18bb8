namespace FlashSale.Accounts;

/// <summary>Registration and sign-in, shared by the JSON API and the web pages.</summary>
public sealed class AccountService(IAccountStore accounts, PasswordHashing hashing, SignInThrottle throttle, TimeProvider clock)
{
    /// <summary>A fixed hash to verify against when the user does not exist: same cost, no user enumeration by timing.</summary>
    private readonly Lazy<string> _decoyHash = new(() => hashing.Hash(Guid.NewGuid().ToString()));

    public async Task<RegisterResult> RegisterAsync(string username, string password, string role, CancellationToken ct)
    {
        // A cheap read before the costly hash: a taken name is refused without one. The unique constraint still decides
        // a race between two registrations of one name (TryCreateAsync).
        if (await accounts.FindByUsernameAsync(username, ct) is not null)
        {
            return new RegisterResult(RegisterOutcome.UsernameTaken);
        }

        var hash = await hashing.HashAsync(password, ct);
        if (hash is null)
        {
            return new RegisterResult(RegisterOutcome.Busy, RetryAfterSeconds: hashing.RetryAfterSeconds);
        }

        // At the stores' precision (whole milliseconds, as sale times are), so the registration answers the createdAt every read gives back.
        var account = new Account(Guid.NewGuid(), username, hash, role, Sales.SaleTime.Truncate(clock.GetUtcNow()), CredentialStamps.New());
        return await accounts.TryCreateAsync(account, ct)
            ? new RegisterResult(RegisterOutcome.Created, account)
            : new RegisterResult(RegisterOutcome.UsernameTaken);
    }

    /// <summary>
    /// A sign-in by a client: counted against the username's sign-ins (<see cref="SignInThrottle"/>) before the password
    /// is checked, and given back when it succeeds (or no password was checked). Unknown usernames take the same path and
    /// cost (the decoy hash). <paramref name="device"/>: the device id of the client's valid device cookie for this
    /// username (<see cref="DeviceCookies.DeviceOf"/>), whose own sign-ins it is then counted against; it checks nothing.
    /// </summary>
    public async Task<SignInAttempt> SignInAsync(string username, string password, string? device, CancellationToken ct)
    {
        var countedAt = clock.GetUtcNow();
        if (await throttle.AcquireAsync(username, device, ct) is { } refused)
        {
            return refused;
        }

        var (account, check) = await CheckAsync(username, password, ct);
        if (check == PasswordCheck.Busy)
        {
            throttle.GiveBack(username, device, countedAt);
            return new SignInAttempt(SignInOutcome.Busy, RetryAfterSeconds: hashing.RetryAfterSeconds);
        }

        if (account is null)
        {
            throttle.Failed();
            return SignInAttempt.Invalid;
        }

        if (check == PasswordCheck.ValidRehash)
        {
            // The same password: the credential stamp stays, and so do the account's other sign-ins. Without a turn to
            // hash now, the next sign-in rehashes.
            if (await hashing.HashAsync(password, ct) is { } rehashed)
            {
                await accounts.UpdatePasswordHashAsync(account.Id, rehashed, ct);
            }
        }

        throttle.GiveBack(username, device, countedAt);
        return SignInAttempt.SignedIn(account);
    }

    /// <summary>
    /// Whether the password is the account's, with no throttle and nothing counted: the server's own check of the
    /// configured admin password at start (AdminAccount). The account only when the password is right.
    /// </summary>
    public async Task<(Account? Account, PasswordCheck Check)> CheckAsync(string username, string password, CancellationToken ct)
    {
        var account = await accounts.FindByUsernameAsync(username, ct);
        var check = await hashing.VerifyAsync(account?.PasswordHash ?? _decoyHash.Value, password, ct);
        // A former admin (Admin:Username changed, AdminAccount) cannot sign in: the same answer as a wrong password.
        return account is null || check is PasswordCheck.Invalid or PasswordCheck.Busy || account.Role == Roles.FormerAdmin
            ? (null, check)
            : (account, check);
    }
}
