using System.ComponentModel.DataAnnotations;

namespace FlashSale.Accounts;

/// <summary>
/// <c>Auth:PasswordHashing</c>: how many password hashes (sign-in checks and new passwords) run at once, and how long
/// one may wait for its turn (docs/security.md, "Password hashing"). One hash is 60–140 ms of CPU; unbounded, a few
/// addresses guessing passwords within their rate limits took every core from purchases and reads.
/// </summary>
public sealed class PasswordHashingOptions
{
    public const string Section = "Auth:PasswordHashing";

    /// <summary>Hashes computed at once; 0: half the processors, at least one, so the other half keeps serving.</summary>
    [Range(0, 1024)]
    public int MaxConcurrency { get; set; }

    /// <summary>Hashes waiting for a turn; the next is answered 503 at once. 0: ten per concurrent hash (about a second's work).</summary>
    [Range(0, 100_000)]
    public int MaxQueue { get; set; }

    /// <summary>The longest a hash waits for its turn before the request is answered 503 with Retry-After.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:00:30")]
    public TimeSpan MaxWait { get; set; } = TimeSpan.FromSeconds(2);

    public int Concurrency => MaxConcurrency > 0 ? MaxConcurrency : Math.Max(1, Environment.ProcessorCount / 2);

    public int Queue => MaxQueue > 0 ? MaxQueue : 10 * Concurrency;
}
