using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace FlashSale.Storage.Redis;

/// <summary>
/// Whether an order about to be answered 202 pending (decided in Redis, not yet in PostgreSQL) is still in its sale's
/// outbox and held by a replica of the sale's Redis master. Until the persister records it, that order exists only in
/// Redis: a Redis that lost it (a restart without its AOF, a flush) has no entry left, and a failover promotes a replica,
/// and replication is asynchronous: a replica that had not received the decision loses it, and with it a 2xx (G3). The
/// master's AOF keeps it through a crash of the master alone (<c>appendfsync always</c>). A 201 never depends on this
/// (its order is in PostgreSQL).
/// <para>
/// Read from the master's <c>INFO replication</c>, never with <c>WAIT</c>: WAIT blocks the connection it is sent on,
/// which is the one every purchase of this instance shares, for as long as a stopped replica does not answer. The master
/// offset of a reading taken after the decision is at or past the decision's place in the replication stream; a replica
/// whose acknowledged offset reaches it holds the decision. The earlier that reading, the closer its offset to the
/// decision's: a purchase that is slow to be recorded asks for one at its first poll (<see cref="Note"/>, ~250 ms after
/// its decision, shared by the purchases decided before it began), so by <see cref="DistributedOptions.CommitWait"/>
/// (2 s) a replica in sync, which acknowledges once a second, has acknowledged it; under a steady write load a reading
/// taken only then would name an offset the replicas reach only at their next acknowledgement. Otherwise the readings are
/// repeated (shared by every waiting answer of the same master, at most one per <see cref="Poll"/>) for up to
/// <see cref="DistributedOptions.PendingReplicaWait"/>. Not confirmed in time, the master
/// no longer a master (a failover under way), or Redis unreachable: the caller answers 503 with the outcome unknown.
/// </para>
/// </summary>
public sealed partial class PendingReplication(IConnectionMultiplexer redis, IOptions<DistributedOptions> options,
    ILogger<PendingReplication> log)
{
    /// <summary>How often the waiting answers of one master read its replication state again.</summary>
    internal static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(100);

    private static readonly long PollTicks = (long)(Poll.TotalSeconds * Stopwatch.Frequency);

    private readonly DistributedOptions _options = options.Value;
    private readonly Lock _gate = new();
    private readonly Dictionary<EndPoint, List<(long StartedAt, Task<ReplicationState> Read)>> _readings = [];
    private readonly long _kept = (long)((options.Value.CommitWait + options.Value.PendingReplicaWait).TotalSeconds * Stopwatch.Frequency)
        + Stopwatch.Frequency;

    /// <summary>
    /// A purchase decided before <paramref name="decidedBefore"/> is slow to be recorded and may be answered 202: a
    /// reading of its master now gives <see cref="HeldAsync"/> an offset close to its decision. Never throws.
    /// </summary>
    public void Note(Guid saleId, long decidedBefore)
    {
        if (_options.PendingReplicas == 0)
        {
            return;
        }

        _ = NoteAsync(saleId, decidedBefore);
    }

    private async Task NoteAsync(Guid saleId, long decidedBefore)
    {
        try
        {
            if (await redis.GetDatabase().IdentifyEndpointAsync(RedisKeys.Meta(saleId)) is { } endpoint)
            {
                await ReadAfterAsync(endpoint, decidedBefore);
            }
        }
        catch (Exception ex) when (RedisFailure.Is(ex) || ex is TaskCanceledException)
        {
            // Only a head start: the answer reads again, and answers 503 if Redis is still out of reach.
        }
    }

    /// <summary>
    /// True when the order's outbox entry (<paramref name="outboxEntry"/>, the stream id <c>purchase.lua</c> returned;
    /// null for a replay, whose key stands for it) is still in the sale's outbox, and enough replicas hold everything the
    /// sale's master had applied when this was called, or none is required (<see cref="DistributedOptions.PendingReplicas"/>
    /// 0, or -1 with no replica a failover could promote). <paramref name="decidedBefore"/>: a <see cref="Stopwatch"/>
    /// timestamp taken after the order was decided (or replayed).
    /// </summary>
    public async Task<bool> HeldAsync(Guid saleId, string? outboxEntry, long decidedBefore)
    {
        try
        {
            // Gone from the outbox and not in the record as far as this request knows: Redis lost it (a restart without
            // its AOF, a flush) or the persister recorded it a moment ago. Either way no 2xx can say it will be an order.
            if (outboxEntry is not null && await OutboxEntryLostAsync(saleId, outboxEntry) is { } lost)
            {
                LogUnconfirmed(saleId, lost);
                return false;
            }

            if (_options.PendingReplicas == 0)
            {
                return true;
            }

            var endpoint = await redis.GetDatabase().IdentifyEndpointAsync(RedisKeys.Meta(saleId))
                ?? throw new RedisConnectionException(ConnectionFailureType.UnableToResolvePhysicalConnection, "No Redis node serves the sale's keys.");
            var deadline = Stopwatch.GetTimestamp() + (long)(_options.PendingReplicaWait.TotalSeconds * Stopwatch.Frequency);
            // The replicas' progress from a reading begun within the last poll (and after the decision)...
            var reading = await ReadAfterAsync(endpoint, Math.Max(decidedBefore, Stopwatch.GetTimestamp() - PollTicks));
            // ...against an offset at or past the decision's place in the stream: the earliest reading begun after it (Note's, if any).
            var target = EarliestAfter(endpoint, decidedBefore)?.MasterOffset ?? reading.MasterOffset;
            while (true)
            {
                if (!reading.IsMaster)
                {
                    LogUnconfirmed(saleId, $"{endpoint} is no longer the sale's master");
                    return false;
                }

                var required = reading.Required(_options.PendingReplicas);
                if (reading.HoldingAtLeast(target) >= required)
                {
                    // The wait may have been long enough for the state to be lost and rebuilt meanwhile: checked again.
                    if (outboxEntry is not null && await OutboxEntryLostAsync(saleId, outboxEntry) is { } lostSince)
                    {
                        LogUnconfirmed(saleId, lostSince);
                        return false;
                    }

                    return true;
                }

                if (Stopwatch.GetTimestamp() >= deadline)
                {
                    LogUnconfirmed(saleId,
                        $"{reading.HoldingAtLeast(target)} of {required} replicas of {endpoint} reached offset {target} in {_options.PendingReplicaWait}");
                    return false;
                }

                await Task.Delay(Poll);
                // Any reading begun within the last poll shows the replicas' progress since: shared, not one per answer.
                reading = await ReadAfterAsync(endpoint, Stopwatch.GetTimestamp() - PollTicks);
            }
        }
        catch (Exception ex) when (RedisFailure.Is(ex) || ex is TaskCanceledException)
        {
            LogUnconfirmed(saleId, ex.Message);
            return false;
        }
    }

    /// <summary>
    /// Why the order's outbox entry will not become an order, or null: gone from the outbox, or still there but decided
    /// under a ledger epoch the sale's state no longer has (the state lost, and rebuilt from the record or about to be),
    /// which the persister refuses as stale (docs/distributed.md, "The ledger epoch"). Until 2026-12-07 only the first was
    /// checked: a purchase waiting while its sale's state was lost and rebuilt, its entry left in the outbox, was answered
    /// 202 pending for an order the fence then refused (<c>LostStatePendingTests</c>).
    /// </summary>
    private async Task<string?> OutboxEntryLostAsync(Guid saleId, string outboxEntry)
    {
        var batch = redis.GetDatabase().CreateBatch();
        var entries = batch.StreamRangeAsync(RedisKeys.Outbox(saleId), outboxEntry, outboxEntry);
        // The state's total says it is there; its epoch is absent in a state built before migration 6 and never rebuilt,
        // whose entries carry 0 (purchase.lua), as the persister reads it.
        var meta = batch.HashGetAsync(RedisKeys.Meta(saleId), ["total", "epoch"]);
        batch.Execute();
        if ((await entries).Length == 0)
        {
            return $"its outbox entry {outboxEntry} is gone";
        }

        if (OutboxEntry.TryReadEpoch((await entries)[0]) is not { } under)
        {
            return null;
        }

        var state = await meta;
        var current = state[1].IsNull ? 0 : state[1].TryParse(out long epoch) ? epoch : -1;
        return state[0].IsNull ? $"its outbox entry {outboxEntry} is of a sale whose state is gone (it will be rebuilt under a new epoch)"
            : current != under ? $"its outbox entry {outboxEntry} was decided under the ledger epoch {under}, and the sale's state has {state[1]} now"
            : null;
    }

    /// <summary>A reading of the master's replication state begun at or after <paramref name="since"/>: the latest one if so, else a new one.</summary>
    private Task<ReplicationState> ReadAfterAsync(EndPoint endpoint, long since)
    {
        lock (_gate)
        {
            if (!_readings.TryGetValue(endpoint, out var readings))
            {
                _readings[endpoint] = readings = [];
            }

            if (readings.Count > 0 && readings[^1].StartedAt >= since && !readings[^1].Read.IsFaulted)
            {
                return readings[^1].Read;
            }

            var started = Stopwatch.GetTimestamp();
            var read = ReadAsync(endpoint);
            // Kept while an answer decided before it may still ask (EarliestAfter), in the order begun.
            readings.RemoveAll(r => r.StartedAt < started - _kept);
            readings.Add((started, read));
            return read;
        }
    }

    /// <summary>The earliest reading begun at or after <paramref name="since"/> that has completed; null if none.</summary>
    private ReplicationState? EarliestAfter(EndPoint endpoint, long since)
    {
        lock (_gate)
        {
            return _readings.TryGetValue(endpoint, out var readings)
                ? readings.FirstOrDefault(r => r.StartedAt >= since && r.Read.IsCompletedSuccessfully).Read?.Result
                : null;
        }
    }

    private async Task<ReplicationState> ReadAsync(EndPoint endpoint)
    {
        await Task.Yield(); // out of the lock
        return await ReplicationState.ReadAsync(redis.GetServer(endpoint));
    }

    [LoggerMessage(EventId = 4261, Level = LogLevel.Warning, Message = "Sale {SaleId}: an order not recorded in time could not be confirmed safe in Redis ({Why}); answered 503, outcome unknown")]
    private partial void LogUnconfirmed(Guid saleId, string why);
}
