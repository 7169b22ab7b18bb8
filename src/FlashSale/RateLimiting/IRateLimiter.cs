namespace FlashSale.RateLimiting;

/// <summary>
/// The rate-limit port: counts one request of a subject (a user, an address) against a rule and says
/// whether it may go on. Process-local (<see cref="LocalRateLimiter"/>) or shared through Redis.
/// Implementations are sliding-window counters: O(1) state per rule and subject, expiring.
/// </summary>
public interface IRateLimiter
{
    /// <exception cref="Exception">The backing store failed; the caller answers 503 (fails closed).</exception>
    ValueTask<RateLimitDecision> AcquireAsync(RateLimitRule rule, string subject, CancellationToken ct);

    /// <summary>
    /// One request of <paramref name="subject"/> counted at <paramref name="countedAt"/> stops counting, in the window it
    /// was counted in (a rule that counts attempts first and lets the good ones go: a sign-in that succeeded,
    /// <c>SignInThrottle</c>). Never more than was counted; best effort (a store failing keeps the count: stricter).
    /// </summary>
    void GiveBack(RateLimitRule rule, string subject, DateTimeOffset countedAt);

    /// <summary>
    /// Every rule a request falls under, in order, as one <see cref="AcquireAsync"/> per rule: each
    /// rule passed counts the request, the first that refuses stops it (the rules after it are not
    /// counted). Returns the index of the refusing check, or -1 with an allowing decision.
    /// A store that can check them in one round trip overrides this.
    /// </summary>
    /// <exception cref="Exception">The backing store failed; the caller answers 503 (fails closed).</exception>
    async ValueTask<(int Refused, RateLimitDecision Decision)> AcquireAllAsync(
        IReadOnlyList<RateLimitCheck> checks, CancellationToken ct)
    {
        for (var i = 0; i < checks.Count; i++)
        {
            var decision = await AcquireAsync(checks[i].Rule, checks[i].Subject, ct);
            if (!decision.Allowed)
            {
                return (i, decision);
            }
        }

        return (-1, RateLimitDecision.Allow);
    }
}

/// <summary>One rule applied to one subject (a user, an address).</summary>
public readonly record struct RateLimitCheck(RateLimitRule Rule, string Subject);

/// <summary>A rule as the limiter sees it: a stable name (part of the storage key), a permit count and a window.</summary>
public sealed record RateLimitRule(string Name, int PermitLimit, TimeSpan Window);

/// <summary>Allowed, or refused with the time after which a retry can succeed.</summary>
public readonly record struct RateLimitDecision(bool Allowed, TimeSpan RetryAfter)
{
    public static RateLimitDecision Allow { get; } = new(true, TimeSpan.Zero);

    public static RateLimitDecision Refuse(TimeSpan retryAfter) => new(false, retryAfter);
}
