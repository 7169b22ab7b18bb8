using System.Security.Claims;
using System.Security.Cryptography;
using FlashSale.Accounts;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace FlashSale.Tests.Security;

/// <summary>
/// Remembering valid tokens must not change a single validation outcome (G8): only valid tokens are
/// remembered, a token changed by one character is validated in full, and each request gets its own identity.
/// </summary>
public sealed class CachingTokenHandlerTests
{
    private readonly SymmetricSecurityKey _key = new(RandomNumberGenerator.GetBytes(32));
    // The handler and the validation on one fake clock: a token's expiry is reached by advancing it, not by waiting.
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private readonly CachingTokenHandler _handler;

    public CachingTokenHandlerTests() => _handler = new(clock: _clock);

    private TokenValidationParameters Parameters => new()
    {
        ValidIssuer = "flashsale",
        ValidAudience = "flashsale-api",
        IssuerSigningKey = _key,
        ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
        ClockSkew = TimeSpan.Zero,
        RequireExpirationTime = true,
        // The lifetime on the fake clock too (the validator reads the system's).
        LifetimeValidator = (notBefore, expires, _, _) => notBefore <= _clock.GetUtcNow().UtcDateTime && _clock.GetUtcNow().UtcDateTime < expires,
    };

    [Fact]
    public async Task AValidToken_IsRemembered_AndEveryHitGetsItsOwnIdentity()
    {
        var token = Issue(TimeSpan.FromMinutes(5));

        var first = await _handler.ValidateTokenAsync(token, Parameters);
        var second = await _handler.ValidateTokenAsync(token, Parameters);
        var third = await _handler.ValidateTokenAsync(token, Parameters);

        Assert.True(first.IsValid && second.IsValid && third.IsValid);
        Assert.Equal(1, _handler.Count);
        Assert.Equal("user-1", second.ClaimsIdentity.FindFirst("sub")?.Value);
        second.ClaimsIdentity.AddClaim(new Claim("role", "admin"));
        Assert.Null(third.ClaimsIdentity.FindFirst("role"));
        Assert.NotSame(second.ClaimsIdentity, third.ClaimsIdentity);
    }

    [Fact]
    public async Task ATokenChangedByOneCharacter_IsValidatedInFull_AndRefused()
    {
        var token = Issue(TimeSpan.FromMinutes(5));
        Assert.True((await _handler.ValidateTokenAsync(token, Parameters)).IsValid);

        var signature = token.LastIndexOf('.') + 1;
        var flipped = token[..signature] + (token[signature] == 'A' ? 'B' : 'A') + token[(signature + 1)..];
        var forged = await _handler.ValidateTokenAsync(flipped, Parameters);

        Assert.False(forged.IsValid);
        Assert.Equal(1, _handler.Count);
    }

    [Fact]
    public async Task RefusedTokens_AreNeverRemembered()
    {
        var otherKey = new SymmetricSecurityKey(RandomNumberGenerator.GetBytes(32));
        var wrongKey = Issue(TimeSpan.FromMinutes(5), otherKey);
        var expired = Issue(TimeSpan.FromMinutes(-1));

        for (var i = 0; i < 3; i++)
        {
            Assert.False((await _handler.ValidateTokenAsync(wrongKey, Parameters)).IsValid);
            Assert.False((await _handler.ValidateTokenAsync(expired, Parameters)).IsValid);
        }

        Assert.Equal(0, _handler.Count);
    }

    [Fact]
    public async Task ARememberedToken_IsNotUsedPastItsExpiry()
    {
        var token = Issue(TimeSpan.FromSeconds(2));
        Assert.True((await _handler.ValidateTokenAsync(token, Parameters)).IsValid);

        _clock.Advance(TimeSpan.FromSeconds(3));

        Assert.False((await _handler.ValidateTokenAsync(token, Parameters)).IsValid);
        Assert.Equal(0, _handler.Count);
    }

    [Fact]
    public async Task BeyondItsCapacity_TokensAreStillValidated_ButNotRemembered()
    {
        var tokens = Enumerable.Range(0, CachingTokenHandler.Capacity + 50).Select(i => Issue(TimeSpan.FromMinutes(5), subject: $"user-{i}")).ToList();

        foreach (var token in tokens)
        {
            Assert.True((await _handler.ValidateTokenAsync(token, Parameters)).IsValid);
        }

        Assert.Equal(CachingTokenHandler.Capacity, _handler.Count);
        var last = await _handler.ValidateTokenAsync(tokens[^1], Parameters);
        Assert.True(last.IsValid);
        Assert.Equal($"user-{CachingTokenHandler.Capacity + 49}", last.ClaimsIdentity.FindFirst("sub")?.Value);
    }

    [Fact]
    public async Task TheHeaderFastPath_KnowsOnlyTokensValidatedBefore_AndNoRequestCanChangeWhatAnotherSees()
    {
        var token = Issue(TimeSpan.FromMinutes(5));
        Assert.False(_handler.TryRecall("Bearer " + token, out _, out _));

        Assert.True((await _handler.ValidateTokenAsync(token, Parameters)).IsValid);

        Assert.True(_handler.TryRecall("Bearer " + token, out var first, out var firstProperties));
        Assert.True(_handler.TryRecall("bearer  " + token + " ", out var second, out var secondProperties));
        Assert.Equal("user-1", first.FindFirst("sub")?.Value);
        Assert.True(firstProperties.IssuedUtc < _clock.GetUtcNow() && firstProperties.ExpiresUtc > _clock.GetUtcNow().AddMinutes(4));

        // Each request has its own principal and properties; the identity they share cannot change.
        Assert.NotSame(first, second);
        first.AddIdentity(new ClaimsIdentity([new Claim("role", "admin")]));
        Assert.Null(second.FindFirst("role"));
        var shared = (ClaimsIdentity)first.Identity!;
        Assert.Throws<NotSupportedException>(() => shared.AddClaim(new Claim("role", "admin")));
        Assert.Throws<NotSupportedException>(() => shared.RemoveClaim(shared.FindFirst("sub")));
        Assert.Throws<NotSupportedException>(() => shared.TryRemoveClaim(shared.FindFirst("sub")));
        Assert.Equal("user-1", second.FindFirst("sub")?.Value);
        var copy = shared.Clone();
        copy.AddClaim(new Claim("role", "admin"));
        Assert.Null(second.FindFirst("role"));
        firstProperties.Items["x"] = "changed";
        Assert.False(secondProperties.Items.ContainsKey("x"));

        var signature = token.LastIndexOf('.') + 1;
        var flipped = token[..signature] + (token[signature] == 'A' ? 'B' : 'A') + token[(signature + 1)..];
        Assert.False(_handler.TryRecall("Bearer " + flipped, out _, out _));
        Assert.False(_handler.TryRecall("Bearer " + token[..^1], out _, out _));
        Assert.False(_handler.TryRecall("Basic " + token, out _, out _));
        Assert.False(_handler.TryRecall(token, out _, out _));
        Assert.False(_handler.TryRecall(null, out _, out _));
    }

    [Fact]
    public async Task TheHeaderFastPath_ForgetsATokenAtItsExpiry()
    {
        var token = Issue(TimeSpan.FromSeconds(2));
        Assert.True((await _handler.ValidateTokenAsync(token, Parameters)).IsValid);
        Assert.True(_handler.TryRecall("Bearer " + token, out _, out _));

        _clock.Advance(TimeSpan.FromSeconds(3));

        Assert.False(_handler.TryRecall("Bearer " + token, out _, out _));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public async Task ATokenWithoutASubject_IsRefused_AndNotRemembered(string? subject)
    {
        var token = Issue(TimeSpan.FromMinutes(5), subject: subject);

        var result = await _handler.ValidateTokenAsync(token, Parameters);

        Assert.False(result.IsValid);
        Assert.IsType<TokenRefusedException>(result.Exception);
        Assert.Equal(0, _handler.Count);
        Assert.False(_handler.TryRecall("Bearer " + token, out _, out _));
    }

    [Fact]
    public async Task ARevokedToken_IsRefused_AndNotRemembered_AndTheCheckIsAskedOnlyInFull()
    {
        var revocation = new Revocation();
        var handler = new CachingTokenHandler(revocation);
        var kept = Issue(TimeSpan.FromMinutes(5), subject: "kept");
        var revoked = Issue(TimeSpan.FromMinutes(5), subject: "revoked");

        Assert.True((await handler.ValidateTokenAsync(kept, Parameters)).IsValid);
        Assert.True((await handler.ValidateTokenAsync(kept, Parameters)).IsValid);
        var refused = await handler.ValidateTokenAsync(revoked, Parameters);

        Assert.False(refused.IsValid);
        Assert.IsType<TokenRefusedException>(refused.Exception);
        Assert.Equal(1, handler.Count);
        Assert.False(handler.TryRecall("Bearer " + revoked, out _, out _));
        Assert.Equal(["kept", "revoked"], revocation.Asked);
        Assert.Equal("flashsale", revocation.Issuer);
    }

    [Fact]
    public async Task ATokenWhoseRevocationCannotBeChecked_IsNeitherValidNorRemembered_AndSaysWhy()
    {
        var handler = new CachingTokenHandler(new Revocation { Down = true });
        var token = Issue(TimeSpan.FromMinutes(5));

        var result = await handler.ValidateTokenAsync(token, Parameters);

        Assert.False(result.IsValid);
        Assert.IsType<FlashSale.Storage.StoreUnavailableException>(result.Exception);
        Assert.Equal(0, handler.Count);
    }

    [Fact]
    public async Task AnyFailureOfTheRevocationCheck_IsUnknown_NotARefusal()
    {
        // A query error or a store shutting down is not "revoked" either: refused as invalid, it was a 401 that sent a
        // buyer with good credentials to sign in again; unknown, it is answered 503.
        var handler = new CachingTokenHandler(new Revocation { Failure = new InvalidOperationException("The connection is closing.") });

        var result = await handler.ValidateTokenAsync(Issue(TimeSpan.FromMinutes(5)), Parameters);

        Assert.False(result.IsValid);
        Assert.IsType<FlashSale.Storage.StoreUnavailableException>(result.Exception);
        Assert.Equal(0, handler.Count);
    }

    private sealed class Revocation : ITokenRevocationCheck
    {
        public List<string> Asked { get; } = [];

        public string? Issuer { get; private set; }

        public bool Down { get; init; }

        public Exception? Failure { get; init; }

        public ValueTask<bool> IsRevokedAsync(ClaimsIdentity identity, string? issuer, CancellationToken ct)
        {
            if (Down)
            {
                throw new FlashSale.Storage.StoreUnavailableException("PostgreSQL is not answering.");
            }

            if (Failure is not null)
            {
                throw Failure;
            }

            var subject = identity.FindFirst("sub")!.Value;
            Asked.Add(subject);
            Issuer = issuer;
            return ValueTask.FromResult(subject == "revoked");
        }
    }

    private string Issue(TimeSpan lifetime, SymmetricSecurityKey? key = null, string? subject = "user-1")
    {
        var now = _clock.GetUtcNow().UtcDateTime;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = "flashsale",
            Audience = "flashsale-api",
            IssuedAt = now.AddMinutes(-2),
            NotBefore = now.AddMinutes(-2),
            Expires = now + lifetime,
            SigningCredentials = new SigningCredentials(key ?? _key, SecurityAlgorithms.HmacSha256),
            Subject = new ClaimsIdentity(subject is null ? [new Claim("name", "Ann")] : [new Claim("sub", subject), new Claim("name", "Ann")]),
        });
    }
}
