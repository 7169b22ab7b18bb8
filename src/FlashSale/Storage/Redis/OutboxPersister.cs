using System.Collections.Concurrent;
using System.Diagnostics;
using FlashSale.Storage.Postgres;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace FlashSale.Storage.Redis;

/// <summary>
/// Moves decided orders from the sales' Redis outbox streams into PostgreSQL, in every instance:
/// XREADGROUP (one consumer name per instance) → one multi-row INSERT … ON CONFLICT DO NOTHING
/// → XACK + XDEL. An entry is acknowledged only after its commit, so a crash in between means a
/// redelivery, which the primary key turns into a no-op. Entries left unacknowledged by a dead
/// instance are claimed after <see cref="DistributedOptions.ClaimIdle"/> (XAUTOCLAIM).
/// </summary>
public sealed partial class OutboxPersister(
    IConnectionMultiplexer redis,
    PostgresOrderRecord record,
    CommitWaiters waiters,
    RecordHealth health,
    IOptions<DistributedOptions> options,
    ILogger<OutboxPersister> log) : BackgroundService
{
    private readonly DistributedOptions _options = options.Value;
    private readonly SemaphoreSlim _wake = new(0);
    private readonly ConcurrentDictionary<Guid, byte> _hot = new();
    private readonly ConcurrentDictionary<Guid, StreamState> _streams = new();
    private readonly string _consumer = options.Value.ConsumerName
        ?? $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..6]}";
    private IReadOnlyList<Guid> _sales = [];
    private DateTime _salesRead = DateTime.MinValue;
    private Task? _salesReading;
    private int _registryFailing;
    private static readonly TimeSpan RegistryWait = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan PingBound = TimeSpan.FromSeconds(2);
    private const int LingerBelow = 64;

    /// <summary>Refused entries kept per sale (approximately: XADD MAXLEN ~), the newest.</summary>
    private const int RefusedKept = 10_000;
    private DateTime _lastClaim = DateTime.MinValue;

    // Stats catch-up (migration 0003): every batch leaves one pending row of stats changes; folding them in
    // bulk, 16 batches at a time or once the load stops, costs the aggregates' upserts once per ~1,000
    // orders instead of once per batch. Reads add what is pending, so a late or failed catch-up changes
    // no figure, only how much the stats query adds up.
    private const int CatchUpAfterBatches = 16;
    private const int CatchUpMaxBatches = 64;
    private const int CatchUpMaxRounds = 4;
    private static readonly TimeSpan CatchUpWhenIdle = TimeSpan.FromMilliseconds(500);
    private readonly SemaphoreSlim _catchUp = new(1, 1);
    private int _uncounted;
    private long _lastCatchUp;
    private Task<Exception?>? _ping;
    private long _reads;

    /// <summary>This instance just appended to a sale's outbox: read it now rather than at the next sweep.</summary>
    public void Wake(Guid saleId)
    {
        // A pass over the sale that is running reads again before it stops (Dirty), so the loop is not woken for it:
        // under load a pass runs all the time, and every purchase woke the loop for a pass that found the sale taken.
        if (_streams.TryGetValue(saleId, out var stream))
        {
            Interlocked.Exchange(ref stream.Dirty, 1);
            if (stream.Gate.CurrentCount == 0)
            {
                return;
            }
        }

        if (_hot.TryAdd(saleId, 0))
        {
            _wake.Release();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await SubscribeAsync();
        // Watched on its own: a write that hangs on a stalled PostgreSQL must not also stop the ping that notices it.
        var watch = WatchRecordAsync(stoppingToken);
        var lastSweep = DateTime.MinValue;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await _wake.WaitAsync(_options.SweepInterval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            try
            {
                if (health.IsDown)
                {
                    await Task.Delay(250, stoppingToken);
                    continue;
                }

                var targets = new HashSet<Guid>();
                foreach (var sale in _hot.Keys)
                {
                    _hot.TryRemove(sale, out _);
                    targets.Add(sale);
                }

                var now = DateTime.UtcNow;
                if (now - lastSweep >= _options.SweepInterval)
                {
                    lastSweep = now;
                    targets.UnionWith(await WithEntriesAsync(await SalesAsync(), targets));
                }

                var claim = now - _lastClaim >= TimeSpan.FromTicks(Math.Max(_options.ClaimIdle.Ticks / 2, TimeSpan.FromMilliseconds(100).Ticks));
                if (claim)
                {
                    _lastClaim = now;
                }

                await Task.WhenAll(targets.Select(sale => PumpAsync(sale, claim, stoppingToken)));
                if (Volatile.Read(ref _uncounted) > 0 && Stopwatch.GetElapsedTime(_lastCatchUp) >= CatchUpWhenIdle)
                {
                    await CatchUpStatsAsync(stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex) when (RedisFailure.Is(ex) || ex is TaskCanceledException)
            {
                // TaskCanceledException (stoppingToken not cancelled, caught above): StackExchange.Redis
                // cancels the commands outstanding on a connection that dies. Left unhandled it ended
                // ExecuteAsync and, with BackgroundServiceExceptionBehavior.StopHost, the whole instance.
                LogRedisFailed(ex.Message);
                await Task.Delay(250, CancellationToken.None);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // Anything else is a bug, but this loop is what carries decided orders to the record: ending it would
                // stop the host (BackgroundServiceExceptionBehavior.StopHost) over one bad pass. Logged as an error,
                // then the next pass; the entries stay in the outbox until one succeeds.
                LogPassFailed(ex);
                await Task.Delay(1000, CancellationToken.None);
            }
        }

        await watch;
    }

    /// <summary>
    /// Pings PostgreSQL every second (every 250 ms while it is marked down), with a 2 s bound that
    /// holds even when the server accepts and never replies (SIGSTOP, a wedged host): that is
    /// marked down too, so new attempts fail closed instead of piling up as pending orders.
    /// </summary>
    private async Task WatchRecordAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(health.IsDown ? TimeSpan.FromMilliseconds(250) : TimeSpan.FromSeconds(1), ct);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            // Never cancelled, so never a thread blocked on Npgsql's cancel request to a stalled server
            // (PostgresOrderRecord.ExistsWithinAsync); one outstanding ping at a time, so a stall holds one connection.
            var ping = _ping is { IsCompleted: false } ? _ping : _ping = record.PingUncancelledAsync();
            if (await Task.WhenAny(ping, Task.Delay(PingBound, CancellationToken.None)) != ping)
            {
                MarkRecordDown(new TimeoutException($"no answer to a ping in {PingBound.TotalSeconds:F0} s"));
                continue;
            }

            var failure = await ping;
            if (ct.IsCancellationRequested)
            {
                return;
            }

            if (failure is not null)
            {
                MarkRecordDown(failure);
            }
            else if (health.IsDown)
            {
                LogRecordBack();
                health.MarkUp();
            }
        }
    }

    /// <summary>
    /// The swept sales whose outbox holds anything (entries not yet recorded, or delivered and not acknowledged):
    /// one XLEN each, sent together, instead of an XREADGROUP per sale. Every sale a deployment ever ran stays
    /// registered, and reading them all every sweep cost even an idle instance ten round trips a second per sale.
    /// </summary>
    private async Task<IEnumerable<Guid>> WithEntriesAsync(IReadOnlyList<Guid> sales, HashSet<Guid> already)
    {
        var db = redis.GetDatabase();
        var swept = sales.Where(sale => !already.Contains(sale)).ToList();
        var lengths = swept.Select(sale => db.StreamLengthAsync(RedisKeys.Outbox(sale))).ToList();
        try
        {
            await Task.WhenAll(lengths);
        }
        catch (Exception ex) when (RedisFailure.Is(ex) || ex is TimeoutException or TaskCanceledException)
        {
            // (RedisFailure: a connection reset under the XLENs fails them with the socket's own error; it failed the pass.)
            // One sale's XLEN failing (a key of another type, a Cluster shard down) skips that sale this sweep, not the
            // sweep: the failure used to fail the whole pass, again every second, and with it the woken sales' pumps.
            LogSweepIncomplete(lengths.Count(l => !l.IsCompletedSuccessfully), ex.Message);
        }

        return swept.Where((_, i) => lengths[i].IsCompletedSuccessfully && lengths[i].Result > 0);
    }

    /// <summary>XREADGROUP calls made since start (tests: an idle sweep reads nothing).</summary>
    internal long Reads => Interlocked.Read(ref _reads);

    /// <summary>
    /// The registered sales, read again at most once a second. The registry is one key, so on a Cluster one shard: that
    /// shard down (or stalled) leaves the last list known, logged once (event 4231, 4232 when it answers again), and the
    /// pass goes on with it: the woken sales and the other shards' outboxes are recorded as ever. Until 2026-12-06 its
    /// failure ended every pass, the woken sales' pumps with it. A read that takes long is waited for
    /// <see cref="RegistryWait"/> at most once a list is known, and lands for a later pass.
    /// </summary>
    private async Task<IReadOnlyList<Guid>> SalesAsync()
    {
        if (_salesReading is null && DateTime.UtcNow - _salesRead > TimeSpan.FromSeconds(1))
        {
            _salesReading = ReadSalesAsync();
        }

        if (_salesReading is { } reading)
        {
            if (_sales.Count == 0)
            {
                await reading;
            }
            else
            {
                await Task.WhenAny(reading, Task.Delay(RegistryWait, CancellationToken.None));
            }

            if (reading.IsCompleted)
            {
                _salesReading = null;
            }
        }

        return _sales;
    }

    private async Task ReadSalesAsync()
    {
        try
        {
            var members = await redis.GetDatabase().SetMembersAsync(RedisKeys.Registry(_options.Namespace));
            _sales = RedisKeys.SaleIds(members).ToList();
            if (Interlocked.Exchange(ref _registryFailing, 0) == 1)
            {
                LogRegistryBack(_sales.Count);
            }
        }
        catch (Exception ex) when (RedisFailure.Is(ex) || ex is TaskCanceledException)
        {
            if (Interlocked.Exchange(ref _registryFailing, 1) == 0)
            {
                LogRegistryFailed(_sales.Count, ex.Message);
            }
        }
        finally
        {
            _salesRead = DateTime.UtcNow;
        }
    }

    private async Task PumpAsync(Guid saleId, bool claim, CancellationToken ct)
    {
        var stream = _streams.GetOrAdd(saleId, _ => new StreamState());
        if (!await stream.Gate.WaitAsync(0, ct))
        {
            return; // Already being pumped; that pass reads again if anything was appended since its last read.
        }

        try
        {
            var db = redis.GetDatabase();
            var key = RedisKeys.Outbox(saleId);
            if (!stream.GroupReady)
            {
                await EnsureGroupAsync(db, key);
                stream.GroupReady = true;
            }

            while (!ct.IsCancellationRequested)
            {
                StreamEntry[] entries;
                // Cleared before the read: an append after this point is either in this read or marks the stream again.
                Interlocked.Exchange(ref stream.Dirty, 0);
                try
                {
                    // After a failed write, our own delivered-but-unacknowledged entries come first ("0").
                    Interlocked.Increment(ref _reads);
                    entries = await db.StreamReadGroupAsync(key, RedisKeys.PersisterGroup, _consumer,
                        stream.OwnPending ? "0-0" : StreamPosition.NewMessages, _options.PersisterBatchSize);
                }
                catch (RedisServerException ex) when (ex.Message.StartsWith("NOGROUP", StringComparison.Ordinal))
                {
                    // The stream was lost with Redis state (flush, new cluster) and rebuilt: new group.
                    await EnsureGroupAsync(db, key);
                    continue;
                }

                if (entries.Length == 0 && stream.OwnPending)
                {
                    stream.OwnPending = false;
                    continue;
                }

                if (entries.Length == 0 && claim)
                {
                    claim = false;
                    var claimed = await db.StreamAutoClaimAsync(key, RedisKeys.PersisterGroup, _consumer,
                        (long)_options.ClaimIdle.TotalMilliseconds, "0-0", _options.PersisterBatchSize);
                    entries = claimed.ClaimedEntries;
                    if (entries.Length > 0)
                    {
                        LogClaimed(entries.Length, saleId);
                    }
                }

                if (entries.Length == 0)
                {
                    return;
                }

                bool persisted;
                try
                {
                    persisted = await PersistAsync(db, key, saleId, entries, ct);
                }
                catch
                {
                    // Delivered to this consumer and not acknowledged (the record's write or the acknowledgement failed: after
                    // a failover the MULTI's EXECABORT): the next pass reads them again from "0-0". Until 2026-12-06 they waited
                    // for XAUTOCLAIM's idle claim (ClaimIdle, 15 s and more), logged as left by another instance.
                    stream.OwnPending = true;
                    throw;
                }

                if (!persisted)
                {
                    stream.OwnPending = true;
                    return;
                }

                if (Interlocked.Increment(ref _uncounted) >= CatchUpAfterBatches)
                {
                    await CatchUpStatsAsync(ct);
                }

                if (entries.Length < LingerBelow && _options.PersisterLinger > TimeSpan.Zero)
                {
                    // A small batch under load: decisions are arriving while this one was written. Reading again
                    // at once writes them in batches just as small, each paying the statement, its trigger, the
                    // commit and three Redis round trips. A millisecond's wait doubles the batch (one core, 64
                    // connections: ~32 -> ~64 orders per commit, +17% purchases/s); an idle sale loses nothing,
                    // its next order wakes a fresh pass.
                    await Task.Delay(_options.PersisterLinger, ct);
                }
            }
        }
        finally
        {
            // Fenced on both sides (Wake's Interlocked write, this barrier): a Wake either sees the pass running and
            // leaves the stream marked, or wakes the loop.
            stream.Gate.Release();
            Interlocked.MemoryBarrier();
            if (Volatile.Read(ref stream.Dirty) == 1 && !ct.IsCancellationRequested)
            {
                Wake(saleId);
            }
        }
    }

    private static async Task EnsureGroupAsync(IDatabase db, RedisKey key)
    {
        try
        {
            await db.StreamCreateConsumerGroupAsync(key, RedisKeys.PersisterGroup, "0-0", createStream: true);
        }
        catch (RedisServerException ex) when (ex.Message.StartsWith("BUSYGROUP", StringComparison.Ordinal))
        {
        }
    }

    private async Task<bool> PersistAsync(IDatabase db, RedisKey key, Guid saleId, StreamEntry[] entries, CancellationToken ct)
    {
        // Every entry is either recorded or refused, and a refused one is kept in the sale's :refused stream with the
        // reason. An entry no retry can record (malformed, or refused by a constraint of the record) must not stay:
        // left pending, it stalled its batch for ever (and the sale's reconciliation, which waits for an empty
        // outbox); counted as an outage, it had every instance refuse every sale's purchases.
        var refused = new Dictionary<RedisValue, string>();
        var unreadable = new List<Guid>();
        var batch = new List<DecidedOrder>(entries.Length);
        var entryOf = new Dictionary<Guid, RedisValue>(entries.Length);
        var overdrawn = new HashSet<Guid>();
        foreach (var entry in entries)
        {
            try
            {
                var decided = OutboxEntry.Parse(saleId, entry);
                if (entryOf.TryAdd(decided.Order.Id, entry.Id))
                {
                    batch.Add(decided);
                    continue;
                }

                refused[entry.Id] = "duplicate: the same order id as an earlier entry of the batch";
            }
            catch (Exception ex) when (ex is FormatException or OverflowException or ArgumentException)
            {
                refused[entry.Id] = "malformed: " + ex.Message;
                if (OutboxEntry.TryReadOrderId(entry) is { } orderId)
                {
                    unreadable.Add(orderId);
                }
            }

            LogUnreadable(entry.Id.ToString(), saleId, refused[entry.Id]);
        }

        Dictionary<Guid, bool> stored;
        try
        {
            stored = batch.Count == 0 ? [] : await InsertAsync(batch, entryOf, refused, overdrawn, saleId, ct);
            await NameStaleAsync(batch, stored, entryOf, refused, saleId, ct);
        }
        catch (Exception ex) when (ex is Npgsql.NpgsqlException or TimeoutException)
        {
            MarkRecordDown(ex);
            return false;
        }

        foreach (var (orderId, ok) in stored)
        {
            if (!ok)
            {
                // Not inserted and no exception: ON CONFLICT met a unique constraint (a second limit-one order).
                var why = refused.TryGetValue(entryOf[orderId], out var reason) ? reason : "a unique constraint of the record: the ledger disagreed with it";
                refused[entryOf[orderId]] = why;
                if (overdrawn.Contains(orderId))
                {
                    LogOverdrawn(orderId, saleId, why);
                }
                else
                {
                    LogRefused(orderId, saleId, why);
                }
            }
        }

        if (_options.CrashAfterCommit)
        {
            // Test hook: the worst moment to die — committed in PostgreSQL, not acknowledged in Redis.
            Environment.FailFast("CrashAfterCommit test hook: committed, not acknowledged.");
        }

        var ids = entries.Select(e => e.Id).ToArray();
        // Deleted once recorded: the stream's length is what is not yet in PostgreSQL. XACK and XDEL
        // in one MULTI/EXEC: acknowledged-but-not-deleted entries (a kill or a Redis crash between
        // two separate commands) are never read again, yet would count as unrecorded for ever and
        // block reconciliation's repair of the sale.
        // The refused entries are copied to the sale's :refused stream in the same MULTI (one hash tag, one slot).
        var done = db.CreateTransaction();
        var kept = entries.Where(e => refused.ContainsKey(e.Id)).Select(e => done.StreamAddAsync(RedisKeys.Refused(saleId),
            [.. e.Values, new("why", refused[e.Id]), new("entry", e.Id)], maxLength: RefusedKept, useApproximateMaxLength: true)).ToList();
        // A refused order's Idempotency-Key is let go with it: its purchase was answered 503 ("nothing was bought"),
        // so a retry with the same key must be decided afresh, not replay an order that will never exist (it waited
        // for the record and answered 202 pending, every time).
        var released = batch.Where(o => o.Order.IdempotencyKey is not null && !stored[o.Order.Id])
            .Select(o => done.KeyDeleteAsync(RedisKeys.Idempotency(saleId, o.Order.UserId, o.Order.IdempotencyKey!))).ToList();
        // Over the stock or a buyer's limit in the record: the state that decided it is not the record's (a failover to a
        // lagging replica: its stock, holds and keys older than the orders recorded), and would go on selling what the
        // record holds. It goes, as a lost state does, in the same MULTI; the next purchase or read rebuilds it from the
        // record under a new ledger epoch, which fences out the rest of its outbox (refused as stale, 503).
        var dropped = overdrawn.Count == 0 ? Task.FromResult(0L)
            : done.KeyDeleteAsync([RedisKeys.Meta(saleId), RedisKeys.Stock(saleId), RedisKeys.Buyers(saleId), RedisKeys.Cancelled(saleId)]);
        var acknowledged = done.StreamAcknowledgeAsync(key, RedisKeys.PersisterGroup, ids);
        var deleted = done.StreamDeleteAsync(key, ids);
        await done.ExecuteAsync();
        await Task.WhenAll([acknowledged, deleted, dropped, .. kept, .. released]);

        // Announced to the other instances only for the orders no purchase here was waiting for: an order is
        // nearly always persisted by the instance that decided it, and then nobody else waits. (A retry of the
        // same key waiting on another instance at that moment learns the outcome from its poll of the record.)
        // An unreadable entry's order, when its id can still be read, is refused like any other: its purchase answers
        // 503 at once instead of 202 pending after waiting for a record that will never hold it.
        List<string>? notice = null;
        foreach (var (orderId, ok) in stored.Concat(unreadable.Select(id => KeyValuePair.Create(id, false))))
        {
            if (!waiters.Complete(orderId, ok))
            {
                (notice ??= []).Add(ok ? orderId.ToString("N") : "!" + orderId.ToString("N"));
            }
        }

        if (notice is not null)
        {
            await redis.GetSubscriber().PublishAsync(RedisKeys.Committed(_options.Namespace), string.Join(',', notice));
        }

        return true;
    }

    /// <summary>
    /// One multi-row insert. A batch the record refuses for what it holds, which no retry changes, is sorted out
    /// here; anything else (an outage) is thrown, and the batch stays in the outbox to be written again.
    /// </summary>
    private async Task<Dictionary<Guid, bool>> InsertAsync(List<DecidedOrder> batch, Dictionary<Guid, RedisValue> entryOf,
        Dictionary<RedisValue, string> refused, HashSet<Guid> overdrawn, Guid saleId, CancellationToken ct)
    {
        try
        {
            return Overdrawn(await record.InsertBatchAsync(batch, ct), entryOf, refused, overdrawn);
        }
        catch (Npgsql.PostgresException ex) when (ex.SqlState == Npgsql.PostgresErrorCodes.ForeignKeyViolation)
        {
            // The record has no such sale: a database older than this Redis (restored from before the sale), or
            // one this Redis was never meant to feed. Refused as a unique conflict is: acknowledged, each waiting
            // purchase answered 503, the drift left to reconciliation (a batch is one sale's, so the whole batch).
            LogSaleNotInRecord(saleId, batch.Count);
            foreach (var decided in batch)
            {
                refused[entryOf[decided.Order.Id]] = "the record has no such sale";
            }

            return batch.ToDictionary(o => o.Order.Id, _ => false);
        }
        catch (Npgsql.PostgresException ex) when (IsRefusedData(ex))
        {
            // A value the record does not take (CHECK, NOT NULL, out of range): one such entry — a bug wrote it — and
            // the whole statement fails. One statement per order finds it and records the others; paid only then.
            var stored = new Dictionary<Guid, bool>(batch.Count);
            foreach (var decided in batch)
            {
                try
                {
                    stored[decided.Order.Id] = Overdrawn(await record.InsertBatchAsync([decided], ct), entryOf, refused, overdrawn)[decided.Order.Id];
                }
                catch (Npgsql.PostgresException one) when (IsRefusedData(one))
                {
                    refused[entryOf[decided.Order.Id]] = $"{one.SqlState}: {one.MessageText}";
                    stored[decided.Order.Id] = false;
                }
            }

            return stored;
        }
    }

    /// <summary>The orders the record refused for its stock or a buyer's limit (G1, G2), with why.</summary>
    private static Dictionary<Guid, bool> Overdrawn(BatchOutcome outcome, Dictionary<Guid, RedisValue> entryOf,
        Dictionary<RedisValue, string> refused, HashSet<Guid> overdrawn)
    {
        foreach (var (orderId, why) in outcome.Overdrawn)
        {
            refused[entryOf[orderId]] = why;
            overdrawn.Add(orderId);
        }

        return outcome.Present;
    }

    /// <summary>
    /// Orders the insert left out because the sale's state was rebuilt from the record after they were decided (their
    /// epoch is older than the record's, migration 6): refused, and said why. The lost state's stock was never the
    /// rebuilt one's, so recording them would sell those units twice (G1); their buyers are answered that nothing was
    /// bought.
    /// </summary>
    private async Task NameStaleAsync(List<DecidedOrder> batch, Dictionary<Guid, bool> stored, Dictionary<Guid, RedisValue> entryOf,
        Dictionary<RedisValue, string> refused, Guid saleId, CancellationToken ct)
    {
        if (!batch.Any(o => o.Epoch is not null && !stored[o.Order.Id]))
        {
            return;
        }

        var current = await record.LedgerEpochAsync(saleId, ct);
        foreach (var decided in batch.Where(o => o.Epoch is { } epoch && epoch != current && !stored[o.Order.Id]))
        {
            refused[entryOf[decided.Order.Id]] = $"stale: decided under the sale's ledger epoch {decided.Epoch}, before its state was rebuilt " +
                $"from the record (epoch {current})";
        }
    }

    /// <summary>SQLSTATE classes 22 (data exception) and 23 (integrity constraint violation): the rows are refused, not the request.</summary>
    private static bool IsRefusedData(Npgsql.PostgresException ex) =>
        ex.SqlState.StartsWith("22", StringComparison.Ordinal) || ex.SqlState.StartsWith("23", StringComparison.Ordinal);

    /// <summary>Folds the pending stats changes of recorded batches into the aggregates (any instance's: SKIP LOCKED).</summary>
    private async Task CatchUpStatsAsync(CancellationToken ct)
    {
        if (!await _catchUp.WaitAsync(0, ct))
        {
            return; // Another pump of this instance is at it.
        }

        try
        {
            Volatile.Write(ref _uncounted, 0);
            _lastCatchUp = Stopwatch.GetTimestamp();
            // A backlog (after an outage, or batches of instances that stopped) goes in bounded steps, a few per call.
            for (var round = 0; round < CatchUpMaxRounds && await record.CatchUpStatsAsync(CatchUpMaxBatches, ct) == CatchUpMaxBatches; round++)
            {
            }
        }
        catch (Exception ex) when (ex is Npgsql.NpgsqlException or TimeoutException)
        {
            // Nothing is lost: the pending rows stay, are counted by every stats read, and fold at the next catch-up.
            LogCatchUpFailed(ex.Message);
        }
        finally
        {
            _catchUp.Release();
        }
    }

    private async Task SubscribeAsync()
    {
        try
        {
            await redis.GetSubscriber().SubscribeAsync(RedisKeys.Committed(_options.Namespace), (_, message) =>
            {
                foreach (var item in message.ToString().Split(',', StringSplitOptions.RemoveEmptyEntries))
                {
                    var refused = item[0] == '!';
                    if (Guid.TryParseExact(refused ? item[1..] : item, "N", out var id))
                    {
                        waiters.Complete(id, !refused);
                    }
                }
            });
        }
        catch (Exception ex) when (RedisFailure.Is(ex))
        {
            // The subscription is restored by the multiplexer on reconnect; the poll covers the gap.
            LogRedisFailed(ex.Message);
        }
    }

    private void MarkRecordDown(Exception ex)
    {
        if (!health.IsDown)
        {
            LogRecordDown(ex.Message);
        }

        health.MarkDown();
    }

    private sealed class StreamState
    {
        public SemaphoreSlim Gate { get; } = new(1, 1);

        public bool GroupReady { get; set; }

        /// <summary>True at start (a previous life of this consumer name) and after a failed write.</summary>
        public bool OwnPending { get; set; } = true;

        /// <summary>1 when this instance appended since the running pass's last read (a field for <see cref="Interlocked"/>).</summary>
        public int Dirty;
    }

    [LoggerMessage(EventId = 4201, Level = LogLevel.Warning, Message = "Persister: Redis failed ({Error})")]
    private partial void LogRedisFailed(string error);

    [LoggerMessage(EventId = 4202, Level = LogLevel.Error, Message = "PostgreSQL is not answering ({Error}); new purchases are refused until it does")]
    private partial void LogRecordDown(string error);

    [LoggerMessage(EventId = 4203, Level = LogLevel.Information, Message = "PostgreSQL answers again; pending orders are being recorded")]
    private partial void LogRecordBack();

    [LoggerMessage(EventId = 4204, Level = LogLevel.Information, Message = "Claimed {Count} outbox entries of sale {SaleId} left by another instance")]
    private partial void LogClaimed(int count, Guid saleId);

    [LoggerMessage(EventId = 4205, Level = LogLevel.Error, Message = "Order {OrderId} of sale {SaleId} was refused by the record ({Reason}); it is kept in the sale's :refused stream, and reconciliation will report the drift")]
    private partial void LogRefused(Guid orderId, Guid saleId, string reason);

    [LoggerMessage(EventId = 4211, Level = LogLevel.Error, Message = "Order {OrderId} of sale {SaleId} was refused by the record ({Reason}): Redis's state of the sale disagrees with the record, and is rebuilt from it; the order is kept in the sale's :refused stream")]
    private partial void LogOverdrawn(Guid orderId, Guid saleId, string reason);

    [LoggerMessage(EventId = 4210, Level = LogLevel.Warning, Message = "Persister: {Count} outboxes could not be measured this sweep ({Error}); they are tried again at the next")]
    private partial void LogSweepIncomplete(int count, string error);

    [LoggerMessage(EventId = 4209, Level = LogLevel.Error, Message = "Outbox entry {EntryId} of sale {SaleId} cannot be recorded ({Reason}); it is kept in the sale's :refused stream")]
    private partial void LogUnreadable(string entryId, Guid saleId, string reason);

    [LoggerMessage(EventId = 4208, Level = LogLevel.Error, Message = "Sale {SaleId} is not in the record (PostgreSQL): {Count} decided orders cannot be recorded and are refused")]
    private partial void LogSaleNotInRecord(Guid saleId, int count);

    [LoggerMessage(EventId = 4206, Level = LogLevel.Warning, Message = "Stats catch-up failed ({Error}); the stats stay exact and it is tried again")]
    private partial void LogCatchUpFailed(string error);

    [LoggerMessage(EventId = 4231, Level = LogLevel.Warning, Message = "Persister: the registry of sales cannot be read ({Error}); the {Count} sales last read are swept until it can")]
    private partial void LogRegistryFailed(int count, string error);

    [LoggerMessage(EventId = 4232, Level = LogLevel.Information, Message = "Persister: the registry of sales is read again ({Count} sales)")]
    private partial void LogRegistryBack(int count);

    [LoggerMessage(EventId = 4207, Level = LogLevel.Error, Message = "Persister: a pass failed unexpectedly; the next one starts in 1 s")]
    private partial void LogPassFailed(Exception ex);
}
