using System.Security.Cryptography;
using System.Text;
using FlashSale.Common;
using FlashSale.Operations;
using FlashSale.RateLimiting;
using Microsoft.Extensions.Options;

namespace FlashSale.Accounts;

/// <summary>
/// Failed sign-ins per username, counted by the rate limiter (<see cref="RateLimitScope.Account"/> rules, default
/// <c>sign-in-per-account</c>: 10 per 5 minutes), so in Redis across every instance when distributed. Every attempt is
/// counted before its password is checked; over a rule it is refused unchecked, a right one too. One that succeeds is
/// given back (<see cref="GiveBack"/>), so what stays counted is the failures, and the attempts still being checked.
/// Counting first is what bounds guesses made at once: until 2026-12-06 a sign-in looked first, was counted only once it
/// had failed, and 44 guesses sent together were all checked against a limit of 10 (the review's reproduction; every
/// one passed the look before any was counted). Unknown usernames are counted alike: the answers never tell which
/// names exist.
/// </summary>
/// <remarks>
/// The trade-off: anyone can keep one account's sign-in refused by failing on purpose (the window bounds each
/// lock-out, and the account's sessions and tokens keep working, docs/security.md). Device cookies mitigate it: a sign-in
/// carrying a valid device cookie for its username (<see cref="DeviceCookies"/>, given by an earlier sign-in that
/// succeeded there) is counted under that device's own subject, by the same rules, not the account's; a device with
/// none (the owner's new one, or the attacker) shares the account's allowance as before.
/// </remarks>
public sealed partial class SignInThrottle(IRateLimiter limiter, IOptions<RateLimitingOptions> options, FlashSaleMetrics metrics,
    TimeProvider time, ILogger<SignInThrottle> logger)
{
    private readonly RateLimitRule[] _rules = !options.Value.Enabled ? [] : options.Value.Rules
        .Where(r => r.Value.Enabled && r.Value.Scope == RateLimitScope.Account).OrderBy(r => r.Key, StringComparer.Ordinal)
        .Select(r => new RateLimitRule(r.Key, r.Value.PermitLimit, r.Value.Window)).ToArray();

    // A username under attack is refused many times a second: one warning a minute says how many.
    private readonly FloodWarning _refusals = new(TimeSpan.FromMinutes(1), time);

    /// <summary>
    /// The limiter's subject for a username: lower-cased as usernames compare (ASCII only, CredentialsRequest), then
    /// hashed, so keys and local entries never hold a name.
    /// </summary>
    public static string Subject(string username) =>
        "a:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(username.ToLowerInvariant())))[..32];

    /// <summary>
    /// The subject of a sign-in: the username's (<see cref="Subject(string)"/>), or with a device id from a valid device
    /// cookie for it, that device's own, hashed alike.
    /// </summary>
    public static string Subject(string username, string? device) => device is null
        ? Subject(username)
        : "d:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(username.ToLowerInvariant() + "\n" + device)))[..32];

    /// <summary>
    /// Counts a sign-in of <paramref name="username"/>, from <paramref name="device"/> when it carried a valid device
    /// cookie for that username (else null: the account's count). Null when it may go on to the password check;
    /// otherwise its refusal: throttled, or unavailable when the store failed (503: a guess that cannot be counted is
    /// not checked).
    /// </summary>
    public async ValueTask<SignInAttempt?> AcquireAsync(string username, string? device, CancellationToken ct)
    {
        if (_rules.Length == 0)
        {
            return null;
        }

        var subject = Subject(username, device);
        foreach (var rule in _rules)
        {
            RateLimitDecision decision;
            try
            {
                decision = await limiter.AcquireAsync(rule, subject, ct);
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
                Refused(username, rule);
                return new SignInAttempt(SignInOutcome.Throttled, RetryAfterSeconds: Seconds(decision.RetryAfter), Rule: rule);
            }
        }

        return null;
    }

    /// <summary>A failed sign-in, for the operator's counter (it was counted as an attempt already, and stays counted).</summary>
    public void Failed() => metrics.SignInFailed(Reasons.InvalidCredentials);

    /// <summary>
    /// An attempt counted at <paramref name="countedAt"/> that was no guess after all (it succeeded, or no password was
    /// checked): it stops counting, so honest sign-ins never use up the account's allowance. Given back to what it was
    /// counted under: the same <paramref name="device"/>.
    /// </summary>
    public void GiveBack(string username, string? device, DateTimeOffset countedAt)
    {
        if (_rules.Length == 0)
        {
            return;
        }

        var subject = Subject(username, device);
        foreach (var rule in _rules)
        {
            limiter.GiveBack(rule, subject, countedAt);
        }
    }

    private void Refused(string username, RateLimitRule rule)
    {
        if (_refusals.Count() is > 0 and var count)
        {
            LogThrottled(logger, count, rule.Name, rule.PermitLimit, rule.Window, username);
        }
    }

    private static int Seconds(TimeSpan wait) => (int)Math.Clamp(Math.Ceiling(wait.TotalSeconds), 1, int.MaxValue);

    [LoggerMessage(EventId = 1006, Level = LogLevel.Warning,
        Message = "Sign-ins refused by '{Rule}' ({Limit} per {Window} per username): {Count} since the last such warning, the latest for username {Username} (warned at most once a minute; each one counted in flashsale_sign_in_failures_total{{reason=\"throttled\"}})")]
    private static partial void LogThrottled(ILogger logger, long count, string rule, int limit, TimeSpan window, string username);

    [LoggerMessage(EventId = 1007, Level = LogLevel.Error, Message = "Counting sign-ins failed on rule {Rule}; answering 503")]
    private static partial void LogStoreFailed(ILogger logger, Exception exception, string rule);
}
