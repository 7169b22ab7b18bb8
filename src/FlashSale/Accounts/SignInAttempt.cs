using FlashSale.RateLimiting;

namespace FlashSale.Accounts;

public enum SignInOutcome
{
    SignedIn,
    /// <summary>A wrong password or an unknown username: one outcome, no account enumeration.</summary>
    InvalidCredentials,
    /// <summary>The username's sign-ins are over an account rule (<see cref="SignInThrottle"/>); the password was not checked.</summary>
    Throttled,
    /// <summary>No password-hashing turn came in time (<see cref="PasswordHashing"/>).</summary>
    Busy,
    /// <summary>The store counting sign-ins failed: fails closed.</summary>
    Unavailable,
}

/// <summary>A sign-in's outcome; <see cref="RetryAfterSeconds"/> for the refusals a retry can pass (throttled, busy, unavailable).</summary>
public readonly record struct SignInAttempt(SignInOutcome Outcome, Account? Account = null, int RetryAfterSeconds = 0,
    RateLimitRule? Rule = null)
{
    public static SignInAttempt Invalid { get; } = new(SignInOutcome.InvalidCredentials);

    public static SignInAttempt SignedIn(Account account) => new(SignInOutcome.SignedIn, account);
}

public enum RegisterOutcome
{
    Created,
    UsernameTaken,
    /// <summary>No password-hashing turn came in time (<see cref="PasswordHashing"/>); nothing was created.</summary>
    Busy,
}

public readonly record struct RegisterResult(RegisterOutcome Outcome, Account? Account = null, int RetryAfterSeconds = 0);
