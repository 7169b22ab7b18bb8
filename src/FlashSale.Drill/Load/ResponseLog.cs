using System.Collections.Concurrent;

namespace FlashSale.Drill.Load;

/// <summary>Every purchase response of the run, appended concurrently by the virtual users.</summary>
internal sealed class ResponseLog
{
    private readonly ConcurrentQueue<AttemptRecord> _records = new();
    private long _seq;

    public long NextSeq() => Interlocked.Increment(ref _seq);

    public void Add(AttemptRecord record) => _records.Enqueue(record);

    public IReadOnlyList<AttemptRecord> Snapshot() => [.. _records.OrderBy(r => r.Seq)];
}
