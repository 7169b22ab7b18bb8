using FlashSale.Live;
using Microsoft.Extensions.Logging.Abstractions;

namespace FlashSale.Tests.Live;

/// <summary>
/// A feed's viewers: joining and leaving keep exactly the viewers there, the array a fan-out walks is not changed
/// under it, and a crowd joining and leaving costs memory in proportion to the crowd, not to its square (a
/// copy-on-write array copied every viewer at each join and each leave: ~50 million references for 10,000).
/// </summary>
public sealed class FeedMembersTests
{
    // Never started: these tests touch only its membership, which needs no store, ledger or hub.
    private static SaleFeed NewFeed() =>
        new(Guid.NewGuid(), hub: null!, sales: null!, ledger: null!, TimeProvider.System, new LiveOptions(), NullLogger.Instance);

    [Fact]
    public void JoinsAndLeaves_KeepExactlyTheViewersThere()
    {
        var feed = NewFeed();
        var viewers = Enumerable.Range(0, 1000).Select(_ => new FeedSubscriber(feed)).ToList();
        viewers.ForEach(feed.Add);
        var before = feed.Subscribers();

        var leaving = viewers.Where((_, i) => i % 3 == 0).ToList();
        leaving.ForEach(feed.Remove);

        var staying = viewers.Except(leaving).ToHashSet();
        Assert.Equal(staying.Count, feed.Count);
        Assert.True(staying.SetEquals(feed.Subscribers()));
        // A fan-out walking the earlier array is not disturbed: it still holds the 1,000 of its moment.
        Assert.Equal(1000, before.Length);
        Assert.True(viewers.ToHashSet().SetEquals(before));
    }

    [Fact]
    public void WithoutAChange_TheFanOutWalksTheSameArray()
    {
        var feed = NewFeed();
        feed.Add(new FeedSubscriber(feed));
        var first = feed.Subscribers();

        Assert.Same(first, feed.Subscribers());
        feed.Add(new FeedSubscriber(feed));
        Assert.NotSame(first, feed.Subscribers());
        Assert.Equal(2, feed.Subscribers().Length);
    }

    [Fact]
    public void ACrowdJoiningAndLeaving_AllocatesInProportionToTheCrowd()
    {
        const int crowd = 4000;
        var feed = NewFeed();
        var viewers = Enumerable.Range(0, crowd).Select(_ => new FeedSubscriber(feed)).ToList();

        var allocated = GC.GetAllocatedBytesForCurrentThread();
        viewers.ForEach(feed.Add);
        viewers.ForEach(feed.Remove);
        allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;

        // A set of 4,000 grows through a few arrays of ~100 KB at most; a copy per join and per leave would allocate
        // 2 × 8 bytes × 4,000² / 2 = 128 MB.
        Assert.InRange(allocated, 0, 4 * 1024 * 1024);
        Assert.Equal(0, feed.Count);
        Assert.Empty(feed.Subscribers());
    }
}
