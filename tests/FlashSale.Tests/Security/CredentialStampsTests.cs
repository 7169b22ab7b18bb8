using System.Security.Claims;
using FlashSale.Accounts;
using FlashSale.Storage;
using FlashSale.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace FlashSale.Tests.Security;

/// <summary>
/// How soon a changed credential stamp is seen, what it costs, and what a store outage does: the bounds
/// docs/security.md states for revocation.
/// </summary>
public sealed class CredentialStampsTests
{
    private readonly InMemoryAccountStore _store = new();
    private readonly ManualClock _clock = new(DateTimeOffset.UtcNow);
    private readonly CredentialStamps _stamps;

    public CredentialStampsTests() => _stamps = new CredentialStamps(_store, _clock, NullLogger<CredentialStamps>.Instance);

    [Fact]
    public async Task AChangedStamp_IsSeenWithinThirtySeconds_AndAStampIsReadOncePerThirtySeconds()
    {
        var account = _store.Add();
        for (var i = 0; i < 100; i++)
        {
            Assert.True(await _stamps.IsCurrentAsync(account.Id, account.CredentialStamp, CancellationToken.None));
        }

        Assert.Equal(1, _store.StampReads);
        await _store.ChangePasswordAsync(account.Id, "new-hash", CredentialStamps.New(), CancellationToken.None);

        _clock.Advance(CredentialStamps.Fresh - TimeSpan.FromSeconds(1));
        Assert.True(await _stamps.IsCurrentAsync(account.Id, account.CredentialStamp, CancellationToken.None));
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.False(await _stamps.IsCurrentAsync(account.Id, account.CredentialStamp, CancellationToken.None));
        Assert.Equal(2, _store.StampReads);
    }

    [Fact]
    public async Task RequestsThatFindAStampDue_ShareOneRead()
    {
        // A buyer's parallel requests at a sale's opening, or every synthetic buyer of one admin: one read, not one each.
        var account = _store.Add();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _store.HoldStampReads = release.Task;

        var checks = Enumerable.Range(0, 20).Select(_ => _stamps.IsCurrentAsync(account.Id, account.CredentialStamp, CancellationToken.None).AsTask()).ToList();
        release.SetResult();

        Assert.All(await Task.WhenAll(checks), Assert.True);
        Assert.Equal(1, _store.StampReads);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public async Task NoStamp_OrNoAccount_IsNeverCurrent(string? stamp)
    {
        var account = _store.Add();

        Assert.False(await _stamps.IsCurrentAsync(account.Id, stamp, CancellationToken.None));
        Assert.False(await _stamps.IsCurrentAsync(Guid.NewGuid(), account.CredentialStamp, CancellationToken.None));
    }

    [Fact]
    public async Task WithTheStoreDown_AKnownAccountKeepsItsLastStamp_AndAnUnknownOneIsUnavailable()
    {
        var known = _store.Add("known");
        var unknown = _store.Add("unknown");
        Assert.True(await _stamps.IsCurrentAsync(known.Id, known.CredentialStamp, CancellationToken.None));

        _store.Fail = new StoreUnavailableException("PostgreSQL is not answering.");
        _clock.Advance(TimeSpan.FromMinutes(5));

        Assert.True(await _stamps.IsCurrentAsync(known.Id, known.CredentialStamp, CancellationToken.None));
        await Assert.ThrowsAsync<StoreUnavailableException>(() => _stamps.IsCurrentAsync(unknown.Id, unknown.CredentialStamp, CancellationToken.None).AsTask());
        // The store is asked again after 30 s, not by every request meanwhile.
        var reads = _store.StampReads;
        Assert.True(await _stamps.IsCurrentAsync(known.Id, known.CredentialStamp, CancellationToken.None));
        Assert.Equal(reads, _store.StampReads);
    }

    [Fact]
    public async Task TheTokenCheck_UsesTheAccountsStamp_ASyntheticBuyersMintingAdmins_AndLeavesOtherIssuersAlone()
    {
        var check = new CredentialStampCheck(_stamps, Options.Create(new AuthOptions { Issuer = "flashsale" }));
        var alice = _store.Add();
        var admin = _store.Add("admin", Roles.Admin);
        var synthetic = Guid.NewGuid().ToString("D");

        Assert.False(await Revoked(check, "flashsale", ("sub", alice.Id.ToString("D")), ("stamp", alice.CredentialStamp)));
        Assert.False(await Revoked(check, "flashsale", ("sub", synthetic), ("stamp", admin.CredentialStamp), ("minted_by", admin.Id.ToString("D"))));
        Assert.True(await Revoked(check, "flashsale", ("sub", alice.Id.ToString("D"))));
        Assert.True(await Revoked(check, "flashsale", ("sub", alice.Id.ToString("D")), ("stamp", admin.CredentialStamp)));
        Assert.True(await Revoked(check, "flashsale", ("sub", synthetic), ("stamp", admin.CredentialStamp)));
        Assert.True(await Revoked(check, "flashsale", ("sub", "user-1"), ("stamp", alice.CredentialStamp)));
        // An external provider's token has no stamp of ours.
        Assert.False(await Revoked(check, "https://id.example.com/", ("sub", "external-user")));

        await _store.ChangePasswordAsync(admin.Id, "new-hash", CredentialStamps.New(), CancellationToken.None);
        _clock.Advance(CredentialStamps.Fresh);
        Assert.True(await Revoked(check, "flashsale", ("sub", synthetic), ("stamp", admin.CredentialStamp), ("minted_by", admin.Id.ToString("D"))));
        Assert.False(await Revoked(check, "flashsale", ("sub", alice.Id.ToString("D")), ("stamp", alice.CredentialStamp)));
    }

    private static async Task<bool> Revoked(CredentialStampCheck check, string issuer, params (string Type, string Value)[] claims) =>
        await check.IsRevokedAsync(new ClaimsIdentity(claims.Select(c => new Claim(c.Type, c.Value))), issuer, CancellationToken.None);
}
