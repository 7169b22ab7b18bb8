using System.Security.Cryptography;
using System.Text;
using FlashSale.Common;
using FlashSale.Operations;
using FlashSale.RateLimiting;
using Microsoft.Extensions.Options;

namespace FlashSale.Accounts;

/// <summary>
/// Failed sign-ins per username, counted by the rate limiter (<see cref="RateLimitScope.Account"/> rules, default
/// <c>sign-in-per-account</c>: 10 per 5 minutes), so in Redis across every instance when distributed. Each sign-in
/// first looks (counting nothing); over a rule, it is refused without checking the password, the right one too. A
/// failure is counted after the check. Unknown usernames are counted alike: the answers never tell which names exist.
/// </summary>
/// <remarks>
/// The trade-off: anyone can keep one account's sign-in refused by failing on purpose; the window bounds each lock-out
/// and the account's sessions and tokens keep working (docs/security.md).
/// </remarks>
public sealed partial class SignInThrottle(IRateLimiter limiter, IOptions<RateLimitingOptions> options, FlashSaleMetrics metrics,
    ILogger<SignInThrottle> logger)
{
    private readonly RateLimitRule[] _rules = !options.Value.Enabled ? [] : options.Value.Rules
        .Where(r => r.Value.Enabled && r.Value.Scope == RateLimitScope.Account).OrderBy(r => r.Key, StringComparer.Ordinal)
        .Select(r => new RateLimitRule(r.Key, r.Value.PermitLimit, r.Value.Window)).ToArray();

    /// <summary>
    /// The limiter's subject for a username: lower-cased as usernames compare (ASCII only, CredentialsRequest), then
    /// hashed, so keys and local entries never hold a name.
    /// </summary>
    public static string Subject(string username) =>
        "a:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(username.ToLowerInvariant())))[..32];

    /// <summary>Null when the sign-in may go on; otherwise its refusal (throttled, or unavailable when the store failed).</summary>
    public async ValueTask<SignInAttempt?> CheckAsync(string username, CancellationToken ct)
    {
        if (_rules.Length == 0)
        {
            return null;
        }

        var subject = Subject(username);
        foreach (var rule in _rules)
        {
            RateLimitDecision decision;
            try
            {
                decision = await limiter.PeekAsync(rule, subject, ct);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogStoreFailed(logger, ex, rule.Name);
                return new SignInAttempt(SignInOutcome.Unavailable, RetryAfterSeconds: 1);
            }

            if (!decision.Allowed)
            {
                metrics.SignInFailed("throttled");
                metrics.RateLimited(rule.Name);
                return new SignInAttempt(SignInOutcome.Throttled, RetryAfterSeconds: Seconds(decision.RetryAfter), Rule: rule);
            }
        }

        return null;
    }

    /// <summary>
    /// Counts a failed sign-in. Null when counted; unavailable when the store failed (the caller answers 503 rather
    /// than the 401 of a guess it could not count). Logs a warning when the failure fills a rule: once per lock-out.
    /// </summary>
    public async ValueTask<SignInAttempt?> FailedAsync(string username, CancellationToken ct)
    {
        metrics.SignInFailed(Reasons.InvalidCredentials);
        var subject = Subject(username);
        foreach (var rule in _rules)
        {
            try
            {
                // Refused: concurrent failures filled the rule since this one looked; the one that filled it logged.
                if ((await limiter.AcquireAsync(rule, subject, ct)).Allowed && !(await limiter.PeekAsync(rule, subject, ct)).Allowed)
                {
                    LogThrottled(logger, username, rule.Name, rule.PermitLimit, rule.Window);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogStoreFailed(logger, ex, rule.Name);
                return new SignInAttempt(SignInOutcome.Unavailable, RetryAfterSeconds: 1);
            }
        }

        return null;
    }

    private static int Seconds(TimeSpan wait) => (int)Math.Clamp(Math.Ceiling(wait.TotalSeconds), 1, int.MaxValue);

    [LoggerMessage(EventId = 1006, Level = LogLevel.Warning,
        Message = "Sign-in throttled for username {Username}: {Limit} failed sign-ins within {Window} ('{Rule}'); its sign-ins are refused until the window slides")]
    private static partial void LogThrottled(ILogger logger, string username, string rule, int limit, TimeSpan window);

    [LoggerMessage(EventId = 1007, Level = LogLevel.Error, Message = "Counting failed sign-ins failed on rule {Rule}; answering 503")]
    private static partial void LogStoreFailed(ILogger logger, Exception exception, string rule);
}
