using System.Collections.Concurrent;
using FlashSale.Storage.Embedded;

namespace FlashSale.Tests.Storage;

/// <summary>
/// The group commit tells a batch's callers from the thread pool (GroupCommitter.Release): a caller's
/// continuation runs where its write is completed, so completing on the commit loop would run every
/// request's answer on the one thread that commits, and a slow answer would hold up the next batch.
/// </summary>
public sealed class GroupCommitReleaseTests : GroupCommitterTest
{
    [Fact]
    public async Task EveryCallerOfABatch_IsToldItsRows_AndResumesOffTheCommitLoop()
    {
        var commitThreads = new ConcurrentBag<int>();
        // Task.Run: no synchronization context, as in ASP.NET Core (xUnit's would take the continuations itself).
        var resumedOn = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => Task.Run(async () =>
        {
            var rows = await Committer.WriteAsync(new RecordingWrite(commitThreads, rows: i % 3));
            Assert.Equal(i % 3, rows);
            return Environment.CurrentManagedThreadId;
        })));

        var commitThread = Assert.Single(commitThreads.Distinct());
        Assert.DoesNotContain(commitThread, resumedOn);
    }

    [Fact]
    public async Task ABatchThatFails_FailsEveryCaller_OffTheCommitLoop()
    {
        var commitThreads = new ConcurrentBag<int>();
        var failures = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => Task.Run(async () =>
        {
            // A write that throws fails the whole batch it is in: nothing of it is durable, so every caller is told.
            try
            {
                await Committer.WriteAsync(new RecordingWrite(commitThreads, rows: 1, fails: true));
                return (Message: "not failed", Thread: Environment.CurrentManagedThreadId);
            }
            catch (InvalidOperationException error)
            {
                return (error.Message, Thread: Environment.CurrentManagedThreadId);
            }
        })));

        Assert.All(failures, f => Assert.Equal("injected", f.Message));
        Assert.DoesNotContain(Assert.Single(commitThreads.Distinct()), failures.Select(f => f.Thread));
        Assert.Equal(7, await Committer.WriteAsync(new RecordingWrite(commitThreads, rows: 7))); // the loop goes on
    }

    [Fact]
    public async Task AFailureAfterTheCommit_StillAnswersEveryCallerCommitted_AndTheLoopGoesOn()
    {
        // Told "failed", a purchase would hand its unit back to the stock although its order is on disk.
        Committer.BatchCommitted += (_, _, _) => throw new InvalidOperationException("metrics listener failed");
        var rows = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(() => Committer.WriteAsync(new FailingAfterCommit()))));

        Assert.All(rows, r => Assert.Equal(1, r));
        Assert.Equal(3, await Committer.WriteAsync(new RecordingWrite([], rows: 3)));
    }

    /// <summary>Committed, then its in-memory follow-up throws.</summary>
    private sealed class FailingAfterCommit : LedgerWrite
    {
        public override int Apply(WriterSession session) => 1;

        public override void AfterCommit(BuyerOrders buyers) => throw new InvalidOperationException("index failed");
    }

    private sealed class RecordingWrite(ConcurrentBag<int> commitThreads, int rows, bool fails = false) : LedgerWrite
    {
        public override int Apply(WriterSession session)
        {
            commitThreads.Add(Environment.CurrentManagedThreadId);
            return fails ? throw new InvalidOperationException("injected") : rows;
        }
    }
}
