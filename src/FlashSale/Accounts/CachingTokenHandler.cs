using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Security.Claims;
using FlashSale.Storage;
using Microsoft.AspNetCore.Authentication;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace FlashSale.Accounts;

/// <summary>
/// Validates bearer tokens exactly as <see cref="JsonWebTokenHandler"/> does, and remembers for a
/// short while the tokens it found valid. In a flash sale every buyer sends the same token with
/// each attempt; decoding it, parsing its JSON and checking its signature again every time was the
/// largest single cost of a rejected purchase (docs/benchmarks.md).
/// </summary>
/// <remarks>
/// Only successes are remembered, keyed by the whole token string: a token that differs in one
/// byte is another key and is validated in full. An entry is used only before the token's own
/// expiry and for at most <see cref="MaxAge"/>, so a signing key withdrawn by an external provider
/// stops being honoured within that time. The header fast path (<see cref="TryRecallFrom"/>) gives every
/// request its own principal around one shared <see cref="ReadOnlyClaimsIdentity"/>, whose claims cannot
/// change, so nothing a request does to its principal reaches another. An entry holds the parsed token and an identity,
/// a few KiB: expired entries are swept every <see cref="SweepEvery"/>, and at <see cref="Capacity"/>
/// entries (tens of MiB) new tokens are validated without being remembered until some expire.
/// <para>
/// Beyond the signature and the claims the parameters check, a token is valid only with a non-empty <c>sub</c> (the
/// caller is someone: every signed-in endpoint asks who), only with its own issuer's audience and key, an external
/// provider's identity mapped into its own space (<see cref="TokenIssuers"/>), and while <see cref="ITokenRevocationCheck"/>
/// does not find it revoked (its account's credentials changed). All are decided here, before the token is remembered:
/// JwtBearer's own events would not see a remembered token again, as <see cref="RememberedTokenAuthentication"/>
/// signs those in ahead of the framework. So a revoked token is refused by every instance within
/// <see cref="MaxAge"/> plus the revocation check's own delay.
/// </para>
/// </remarks>
internal sealed class CachingTokenHandler : JsonWebTokenHandler
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(60);
    public const int Capacity = 10_000;
    public static readonly TimeSpan SweepEvery = TimeSpan.FromSeconds(10);

    private const string BearerPrefix = "Bearer ";

    private readonly ConcurrentDictionary<string, Entry> _valid = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Entry>.AlternateLookup<ReadOnlySpan<char>> _bySpan;
    private long _nextSweepTicks;

    private readonly ITokenRevocationCheck? _revocation;
    private readonly TokenIssuers? _issuers;
    private readonly TimeProvider _clock;

    /// <param name="revocation">Asked once per full validation of an otherwise valid token; none in unit tests.</param>
    /// <param name="issuers">Holds each issuer to its own audience and key and maps an external provider's identities; none in unit tests.</param>
    /// <param name="clock">
    /// The clock a remembered token's expiry is read by: the system's, as the validation's; a unit test gives both the
    /// same fake one (its parameters' <c>LifetimeValidator</c>).
    /// </param>
    public CachingTokenHandler(ITokenRevocationCheck? revocation = null, TokenIssuers? issuers = null, TimeProvider? clock = null)
    {
        _revocation = revocation;
        _issuers = issuers;
        _clock = clock ?? TimeProvider.System;
        MapInboundClaims = false;
        _bySpan = _valid.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>Tokens remembered now; for tests.</summary>
    public int Count => _valid.Count;

    /// <summary>As <see cref="TryRecall(string?, out ClaimsPrincipal?, out AuthenticationProperties?)"/>, for a request with one Authorization header.</summary>
    public bool TryRecallFrom(HttpRequest request, [NotNullWhen(true)] out ClaimsPrincipal? principal,
        [NotNullWhen(true)] out AuthenticationProperties? properties)
    {
        if (request.Headers.Authorization is { Count: 1 } header)
        {
            return TryRecall(header[0], out principal, out properties);
        }

        principal = null;
        properties = null;
        return false;
    }

    /// <summary>
    /// The identity of a remembered token, read straight from an Authorization header value
    /// ("Bearer &lt;token&gt;", parsed as JwtBearer parses it) without copying the token. JwtBearer asks
    /// this first (its MessageReceived event, <see cref="AuthSetup"/>) and, on a hit, skips setting up
    /// a validation per request; a miss takes the full validation below, which remembers a valid token.
    /// </summary>
    /// <param name="authorization">The Authorization header's value.</param>
    /// <param name="principal">A new principal around the token's shared identity.</param>
    /// <param name="properties">What JwtBearer puts in the ticket after a validation (issued and expiry
    /// times), a copy of the one formatted when the token was remembered.</param>
    public bool TryRecall(string? authorization, [NotNullWhen(true)] out ClaimsPrincipal? principal,
        [NotNullWhen(true)] out AuthenticationProperties? properties)
    {
        principal = null;
        properties = null;
        if (authorization is null || !authorization.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase)
            || !_bySpan.TryGetValue(authorization.AsSpan(BearerPrefix.Length).Trim(), out var known)
            || _clock.GetUtcNow().UtcDateTime >= known.Until)
        {
            return false;
        }

        principal = new ClaimsPrincipal(known.Shared);
        properties = known.Properties.Clone();
        return true;
    }

    public override async Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters)
    {
        // The validator checks lifetimes against the system clock, so the cache does too.
        var now = _clock.GetUtcNow().UtcDateTime;
        if (token is not null && _valid.TryGetValue(token, out var known))
        {
            if (now < known.Until)
            {
                return known.Result();
            }

            _valid.TryRemove(new KeyValuePair<string, Entry>(token, known));
        }

        var result = await base.ValidateTokenAsync(token!, validationParameters);
        if (token is not null && result.IsValid && result.SecurityToken is { } validated && result.ClaimsIdentity is { } identity)
        {
            if (string.IsNullOrWhiteSpace(identity.FindFirst(AppClaims.Subject)?.Value))
            {
                // Validly signed, but nobody: AppClaims.UserId would throw on every signed-in endpoint (a 500).
                return Refused(new TokenRefusedException("The token has no subject ('sub')."));
            }

            if (_issuers is not null)
            {
                try
                {
                    identity = _issuers.Admit(identity, validated, result.Issuer);
                }
                catch (TokenRefusedException refused)
                {
                    return Refused(refused);
                }

                result.ClaimsIdentity = identity;
            }

            if (_revocation is not null)
            {
                try
                {
                    if (await _revocation.IsRevokedAsync(identity, result.Issuer, CancellationToken.None))
                    {
                        return Refused(new TokenRefusedException(
                            "The token was issued under credentials that have changed since (a new password or role); sign in again."));
                    }
                }
                catch (Exception ex)
                {
                    // Not known either way: JwtBearer's AuthenticationFailed event throws it on, and it is answered 503. Any
                    // failure of the check is "unknown": passed on as it was, one the store did not mark as an outage (a
                    // query error, shutting down) was a 401, telling a buyer with good credentials to sign in again.
                    return Refused(StoreUnavailableExceptionHandler.IsStoreUnavailable(ex) ? ex
                        : new StoreUnavailableException("The token's credentials could not be checked.", ex));
                }
            }

            Remember(token, new Entry(validated, identity.Clone(), result.Issuer, result.TokenType,
                Min(validated.ValidTo, now + MaxAge)), now);
        }

        return result;
    }

    private static TokenValidationResult Refused(Exception why) => new() { IsValid = false, Exception = why };

    private void Remember(string token, Entry entry, DateTime now)
    {
        // A token without an expiry is refused by the parameters (RequireExpirationTime); ValidTo is then MinValue.
        if (entry.Until <= now)
        {
            return;
        }

        SweepIfDue(now);
        if (_valid.Count < Capacity)
        {
            _valid[token] = entry;
        }
    }

    private void SweepIfDue(DateTime now)
    {
        var next = Interlocked.Read(ref _nextSweepTicks);
        if (now.Ticks < next || Interlocked.CompareExchange(ref _nextSweepTicks, now.Ticks + SweepEvery.Ticks, next) != next)
        {
            return;
        }

        foreach (var (token, entry) in _valid)
        {
            if (entry.Until <= now)
            {
                _valid.TryRemove(new KeyValuePair<string, Entry>(token, entry));
            }
        }
    }

    private static DateTime Min(DateTime a, DateTime b) => a < b ? a : b;

    private sealed record Entry(SecurityToken Token, ClaimsIdentity Identity, string? Issuer, string? TokenType, DateTime Until)
    {
        /// <summary>The identity the header fast path hands out, shared and unchangeable.</summary>
        public ReadOnlyClaimsIdentity Shared { get; } = new(Identity);

        public AuthenticationProperties Properties { get; } = new()
        {
            IssuedUtc = Utc(Token.ValidFrom),
            ExpiresUtc = Utc(Token.ValidTo),
        };

        private static DateTimeOffset? Utc(DateTime time) => time == DateTime.MinValue ? null : new DateTimeOffset(time, TimeSpan.Zero);

        public TokenValidationResult Result() => new()
        {
            IsValid = true,
            SecurityToken = Token,
            ClaimsIdentity = Identity.Clone(),
            Issuer = Issuer,
            TokenType = TokenType,
        };
    }
}
