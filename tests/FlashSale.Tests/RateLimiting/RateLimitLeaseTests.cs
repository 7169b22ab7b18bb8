using FlashSale.Storage.Redis;

namespace FlashSale.Tests.RateLimiting;

/// <summary>
/// The lease's bookkeeping as pure logic (timestamps are plain numbers): a grant is never lost between a
/// request's ask and the sweep that retires quiet leases.
/// </summary>
public sealed class RateLimitLeaseTests
{
    private const long Lifetime = 100;
    private const int Cap = 150;

    [Fact]
    public void AQuietLease_IsNotRetired_WhileARequestIsAskingRedisForIt()
    {
        var lease = new RateLimitLease("k", windowMs: 60_000);
        lease.Wanted(now: 1_000, Lifetime, Cap);

        // Long past two lifetimes since the last grant (there never was one), but an ask is in flight.
        Assert.False(lease.Sweep(now: 10_000, Lifetime).Retired);

        Assert.Null(lease.Granted(now: 10_001, Lifetime, wanted: 4, granted: 4, windowIndex: 7));
        lease.Answered();
        Assert.True(lease.TrySpend(now: 10_002, out var retired));
        Assert.False(retired);
    }

    [Fact]
    public void AGrantReachingARetiredLease_IsGivenBack_ButForTheAskingRequestsPermit()
    {
        var lease = new RateLimitLease("k", windowMs: 60_000);
        Assert.True(lease.Sweep(now: 10_000, Lifetime).Retired);

        // A request looked the lease up just before it retired, then asked Redis and was granted 4.
        lease.Wanted(now: 10_001, Lifetime, Cap);
        var giveBack = lease.Granted(now: 10_002, Lifetime, wanted: 4, granted: 4, windowIndex: 7);
        lease.Answered();

        Assert.Equal(new RateLimitGiveBack("k", 60_000, Count: 3, WindowIndex: 7), giveBack);
        Assert.False(lease.TrySpend(now: 10_003, out var retired), "a retired lease spends nothing");
        Assert.True(retired);
    }

    [Fact]
    public void APermitPutBackAfterTheLeaseRetired_IsGivenBack()
    {
        var lease = SpentOneOfTwo();

        // A later rule's round trip outlived the lease: the sweep retired it, then that rule refused the request.
        Assert.True(lease.Sweep(now: 2_000, Lifetime).Retired);

        Assert.Equal(new RateLimitGiveBack("k", 60_000, Count: 1, WindowIndex: 7), lease.Unspend());
    }

    [Fact]
    public void APermitPutBackWhileTheLeaseLives_IsSpentAgainHere()
    {
        var lease = SpentOneOfTwo();

        Assert.Null(lease.Unspend());
        Assert.True(lease.TrySpend(now: 1_003, out _));
    }

    /// <summary>A lease granted 2 at 1,001 (window 7), its request's permit and one more spent at 1,002: it holds none.</summary>
    private static RateLimitLease SpentOneOfTwo()
    {
        var lease = new RateLimitLease("k", windowMs: 60_000);
        lease.Wanted(now: 1_000, Lifetime, Cap);
        lease.Granted(now: 1_001, Lifetime, wanted: 2, granted: 2, windowIndex: 7);
        lease.Answered();
        Assert.True(lease.TrySpend(now: 1_002, out _));
        return lease;
    }

    [Fact]
    public void AGrantOfOneReachingARetiredLease_HasNothingToGiveBack()
    {
        var lease = new RateLimitLease("k", windowMs: 60_000);
        lease.Sweep(now: 10_000, Lifetime);

        Assert.Null(lease.Granted(now: 10_002, Lifetime, wanted: 1, granted: 1, windowIndex: 7));
    }
}
