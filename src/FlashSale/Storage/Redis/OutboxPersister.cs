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

    /// <summary>
    /// Test hook (<c>PersisterCrashTests</c>): the process kills itself after a PostgreSQL commit, before the XACK. An
    /// environment variable of its own, not a <c>Distributed:</c> setting, so no configuration template can switch it on
    /// by accident; a server started with it says so in its log (event 4262).
    /// </summary>
    private static readonly bool CrashAfterCommit = Environment.GetEnvironmentVariable("FLASHSALE_TEST_CRASH_AFTER_COMMIT") == "1";
    private readonly SemaphoreSlim _wake = new(0);
    private readonly ConcurrentDictionary<Guid, byte> _hot = new();
    private readonly ConcurrentDictionary<Guid, StreamState> _streams = new();
    // A blank name (Distributed__ConsumerName= in a template) is no name: kept as "", every instance so configured read the
    // others' delivered entries as its own pending ones ("0-0") and wrote them a second time while the first was committing.
    private readonly string _consumer = string.IsNullOrWhiteSpace(options.Value.ConsumerName)
        ? $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..6]}"
        : options.Value.ConsumerName;
    private IReadOnlyList<Guid> _sales = [];
    // Intervals here are measured on the monotonic clock (Stopwatch timestamps, null: never): on the wall clock a step back
    // (an NTP correction, a VM resumed) stopped the sweeps, the claims of a crashed instance's entries and the registry's
    // re-reads for as long as the step.
    private long? _salesRead;
    private Task? _salesReading;
    private int _registryFailing;
    private static readonly TimeSpan RegistryWait = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan PingBound = TimeSpan.FromSeconds(2);
    private const int LingerBelow = 64;

    private long? _lastClaim;

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
        if (CrashAfterCommit)
        {
            LogCrashHookOn();
        }

        await SubscribeAsync();
        // Watched on its own: a write that hangs on a stalled PostgreSQL must not also stop the ping that notices it.
        var watch = WatchRecordAsync(stoppingToken);
        long? lastSweep = null;
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

                var now = Stopwatch.GetTimestamp();
                if (Due(lastSweep, _options.SweepInterval))
                {
                    lastSweep = now;
                    targets.UnionWith(await WithEntriesAsync(await SalesAsync(), targets));
                }

                var claim = Due(_lastClaim, TimeSpan.FromTicks(Math.Max(_options.ClaimIdle.Ticks / 2, TimeSpan.FromMilliseconds(100).Ticks)));
                if (claim)
                {
                    _lastClaim = now;
                }

                await Task.WhenAll(targets.Select(sale => PumpAsync(sale, claim, stoppingToken)));
                if (Volatile.Read(ref _uncounted) > 0 && Stopwatch.GetElapsedTime(_lastCatchUp) >= CatchUpWhenIdle)
                {
                    StartStatsCatchUp(stoppingToken);
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

    /// <summary>This instance's consumer name in the outbox group (tests).</summary>
    internal string Consumer => _consumer;

    /// <summary>
    /// The registered sales, read again at most once a second. The registry is one key, so on a Cluster one shard: that
    /// shard down (or stalled) leaves the last list known, logged once (event 4231, 4232 when it answers again), and the
    /// pass goes on with it: the woken sales and the other shards' outboxes are recorded as ever. Until 2026-12-06 its
    /// failure ended every pass, the woken sales' pumps with it. A read that takes long is waited for
    /// <see cref="RegistryWait"/> at most once a list is known, and lands for a later pass.
    /// </summary>
    private async Task<IReadOnlyList<Guid>> SalesAsync()
    {
        if (_salesReading is null && Due(_salesRead, TimeSpan.FromSeconds(1)))
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

    private static bool Due(long? since, TimeSpan every) => since is not { } start || Stopwatch.GetElapsedTime(start) >= every;

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
            _salesRead = Stopwatch.GetTimestamp();
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
                if (!await EnsureGroupAsync(db, key))
                {
                    return; // No outbox: nothing was ever decided here, or the sale was retired.
                }

                stream.GroupReady = true;
            }

            while (!ct.IsCancellationRequested)
            {
                StreamEntry[] entries;
                // Cleared before the read: an append after this point is either in this read or marks the stream again.
                Interlocked.Exchange(ref stream.Dirty, 0);
                try
                {
                    // After a failed read or write, our own delivered-but-unacknowledged entries come first ("0").
                    Interlocked.Increment(ref _reads);
                    entries = await db.StreamReadGroupAsync(key, RedisKeys.PersisterGroup, _consumer,
                        stream.OwnPending ? "0-0" : StreamPosition.NewMessages, _options.PersisterBatchSize);
                }
                catch (RedisServerException ex) when (ex.Message.StartsWith("NOGROUP", StringComparison.Ordinal))
                {
                    // The stream was lost with Redis state (flush, new cluster) and rebuilt: new group. Or it is gone,
                    // deleted by the sale's retirement between two reads: then the pass ends.
                    if (!await EnsureGroupAsync(db, key))
                    {
                        stream.GroupReady = false;
                        return;
                    }

                    continue;
                }
                catch
                {
                    // The reply lost (a timeout, the connection failing under it, Redis paused): Redis may have delivered the
                    // entries to this consumer all the same, and then only a read from "0-0" finds them. Until 2026-12-07 the
                    // next pass read new entries only, and they waited for XAUTOCLAIM's idle claim (ClaimIdle, 15 s), logged
                    // by whichever instance claimed them as left by another instance.
                    stream.OwnPending = true;
                    throw;
                }

                if (entries.Length == 0 && stream.OwnPending)
                {
                    stream.OwnPending = false;
                    continue;
                }

                if (entries.Length == 0 && claim)
                {
                    claim = false;
                    StreamAutoClaimResult claimed;
                    try
                    {
                        claimed = await db.StreamAutoClaimAsync(key, RedisKeys.PersisterGroup, _consumer,
                            (long)_options.ClaimIdle.TotalMilliseconds, "0-0", _options.PersisterBatchSize);
                    }
                    catch
                    {
                        // As a lost read's: what it claimed is this consumer's now, idle again from zero.
                        stream.OwnPending = true;
                        throw;
                    }

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
                    StartStatsCatchUp(ct);
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

    /// <summary>
    /// The persister's group on the sale's outbox, if the outbox exists; false if it does not. Never creating the stream: the
    /// first purchase's XADD makes it (the group then reads from its start, "0-0"), and a pass that recreated one the sale's
    /// retirement had just deleted left an empty stream with no expiry behind, for good (SaleRetirementTests, a CI run of
    /// 2026-12-07).
    /// </summary>
    private static async Task<bool> EnsureGroupAsync(IDatabase db, RedisKey key)
    {
        try
        {
            await db.StreamCreateConsumerGroupAsync(key, RedisKeys.PersisterGroup, "0-0", createStream: false);
            return true;
        }
        catch (RedisServerException ex) when (ex.Message.StartsWith("BUSYGROUP", StringComparison.Ordinal))
        {
            return true;
        }
        catch (RedisServerException ex) when (ex.Message.Contains("requires the key to exist", StringComparison.Ordinal))
        {
            return false;
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

    private sealed class StreamState
    {
        public SemaphoreSlim Gate { get; } = new(1, 1);

        public bool GroupReady { get; set; }

        /// <summary>True at start (a previous life of this consumer name) and after a failed read, claim or write.</summary>
        public bool OwnPending { get; set; } = true;

        /// <summary>1 when this instance appended since the running pass's last read (a field for <see cref="Interlocked"/>).</summary>
        public int Dirty;
    }

    [LoggerMessage(EventId = 4262, Level = LogLevel.Critical, Message = "FLASHSALE_TEST_CRASH_AFTER_COMMIT=1: this process kills itself after its first PostgreSQL commit (a test hook; never set it in service)")]
    private partial void LogCrashHookOn();

    [LoggerMessage(EventId = 4201, Level = LogLevel.Warning, Message = "Persister: Redis failed ({Error})")]
    private partial void LogRedisFailed(string error);

    [LoggerMessage(EventId = 4204, Level = LogLevel.Information, Message = "Claimed {Count} outbox entries of sale {SaleId} left by another instance")]
    private partial void LogClaimed(int count, Guid saleId);

    [LoggerMessage(EventId = 4210, Level = LogLevel.Warning, Message = "Persister: {Count} outboxes could not be measured this sweep ({Error}); they are tried again at the next")]
    private partial void LogSweepIncomplete(int count, string error);

    [LoggerMessage(EventId = 4231, Level = LogLevel.Warning, Message = "Persister: the registry of sales cannot be read ({Error}); the {Count} sales last read are swept until it can")]
    private partial void LogRegistryFailed(int count, string error);

    [LoggerMessage(EventId = 4232, Level = LogLevel.Information, Message = "Persister: the registry of sales is read again ({Count} sales)")]
    private partial void LogRegistryBack(int count);

    [LoggerMessage(EventId = 4207, Level = LogLevel.Error, Message = "Persister: a pass failed unexpectedly; the next one starts in 1 s")]
    private partial void LogPassFailed(Exception ex);
}
