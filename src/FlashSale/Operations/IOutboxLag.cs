namespace FlashSale.Operations;

/// <summary>Distributed mode: how far the record is behind the ledger (decided orders not yet in PostgreSQL).</summary>
public interface IOutboxLag
{
    OutboxLagSample Current { get; }
}

/// <summary><paramref name="OldestAge"/>: how long the oldest unrecorded entry has waited (zero when none).</summary>
public readonly record struct OutboxLagSample(long Pending, TimeSpan OldestAge);
