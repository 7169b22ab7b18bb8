using Microsoft.AspNetCore.Identity;

namespace FlashSale.Accounts;

/// <summary>
/// ASP.NET Core Identity's hasher: PBKDF2-HMAC-SHA512, 100,000 iterations, per-password salt,
/// a versioned format that rehashes when the defaults grow.
/// </summary>
public sealed class PasswordHashing
{
    private static readonly object Subject = new();
    private readonly PasswordHasher<object> _hasher = new();

    public string Hash(string password) => _hasher.HashPassword(Subject, password);

    public PasswordCheck Verify(string hash, string password) => _hasher.VerifyHashedPassword(Subject, hash, password) switch
    {
        PasswordVerificationResult.Success => PasswordCheck.Valid,
        PasswordVerificationResult.SuccessRehashNeeded => PasswordCheck.ValidRehash,
        _ => PasswordCheck.Invalid,
    };
}

public enum PasswordCheck
{
    Invalid,
    Valid,
    ValidRehash,
}
