using System.Diagnostics;

namespace FlashSale.Storage.Redis;

/// <summary>The record's health as the persister sees it (a bounded ping, marked down and up), and the stats catch-up of recorded batches.</summary>
public sealed partial class OutboxPersister
{
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
    private long _pingSent;
    private readonly List<Task<Exception?>> _abandonedPings = [];

    /// <summary>
    /// How long a ping may stay unanswered before it is given up for a fresh one on a new connection. A stall answers
    /// the held ping when it ends, but a connection whose server is gone without a word (a failover to another host, a
    /// dead host or a dropped route: packets vanish, nothing resets) holds its ping until the kernel gives up on it,
    /// ~15 minutes, and the record stayed marked down all that time while a new connection would have been answered.
    /// </summary>
    private static readonly TimeSpan PingGivenUpAfter = TimeSpan.FromSeconds(10);

    /// <summary>Pings given up and still outstanding at most: each holds its connection, so a long stall holds a few, not one per 10 s.</summary>
    private const int MaxGivenUpPings = 3;

    /// <summary>
    /// Pings PostgreSQL every <see cref="DistributedOptions.RecordPing"/> (1 s; every <see cref="DistributedOptions.RecordPingWhileDown"/>,
    /// 250 ms, while it is marked down), with a 2 s bound that holds even when the server accepts and never replies
    /// (SIGSTOP, a wedged host): that is marked down too, so new attempts fail closed instead of piling up as pending
    /// orders. A committed batch marks it up as an answered ping does (<see cref="MarkRecordUp"/>).
    /// </summary>
    private async Task WatchRecordAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(health.IsDown ? _options.RecordPingWhileDown : _options.RecordPing, ct);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            // Never cancelled, so never a thread blocked on Npgsql's cancel request to a stalled server
            // (PostgresOrderRecord.ExistsWithinAsync); one outstanding ping at a time, so a stall holds one connection
            // (a few once pings are given up: NextPing).
            var ping = NextPing();
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
            else
            {
                MarkRecordUp("a ping was answered");
            }
        }
    }

    /// <summary>
    /// The ping to wait for: the outstanding one, or a new one once it is answered. One unanswered for
    /// <see cref="PingGivenUpAfter"/> is left to end by itself and a new one is sent on a fresh connection: the pool is
    /// cleared first (idle connections closed, busy ones closed when returned), since its idle connections may lead
    /// where the first one did. Against a stalled server the new connection fails to open within its timeout, so the
    /// record stays marked down, and at most <see cref="MaxGivenUpPings"/> given-up pings hold a connection at once.
    /// </summary>
    private Task<Exception?> NextPing()
    {
        if (_ping is { IsCompleted: false } outstanding)
        {
            _abandonedPings.RemoveAll(p => p.IsCompleted);
            if (Stopwatch.GetElapsedTime(_pingSent) < PingGivenUpAfter || _abandonedPings.Count >= MaxGivenUpPings)
            {
                return outstanding;
            }

            _abandonedPings.Add(outstanding);
            record.ClearPool();
            LogPingGivenUp(PingGivenUpAfter.TotalSeconds);
        }

        _pingSent = Stopwatch.GetTimestamp();
        return _ping = record.PingUncancelledAsync();
    }

    /// <summary>
    /// The record answered: a ping, or a batch or stats catch-up committed (one written before the outage was noticed,
    /// held through a stall, lands as it ends). A commit is as much an answer as a ping's, so the purchases it unblocks need not wait
    /// for the next ping (up to <see cref="DistributedOptions.RecordPingWhileDown"/>) to see what the persister already
    /// saw. A later failure marks it down again, as after a ping.
    /// </summary>
    private void MarkRecordUp(string proof)
    {
        if (health.IsDown)
        {
            LogRecordBack(proof);
            health.MarkUp();
        }
    }

    /// <summary>
    /// Starts folding the pending stats changes of recorded batches into the aggregates (any instance's: SKIP LOCKED),
    /// unless a catch-up of this instance is already at it. It runs beside the recording of orders, never in its way:
    /// awaited by the loop that writes batches, a catch-up held up (on a connection whose server went silent it waits out
    /// its 30 s command timeout) held every order decided meanwhile, answered 202 pending instead of 201.
    /// </summary>
    private void StartStatsCatchUp(CancellationToken ct)
    {
        if (_catchUp.Wait(0, CancellationToken.None))
        {
            Volatile.Write(ref _uncounted, 0);
            _lastCatchUp = Stopwatch.GetTimestamp();
            _ = Task.Run(() => CatchUpStatsAsync(ct), CancellationToken.None);
        }
    }

    /// <summary>The catch-up <see cref="StartStatsCatchUp"/> started, holding <see cref="_catchUp"/>.</summary>
    private async Task CatchUpStatsAsync(CancellationToken ct)
    {
        try
        {
            // A backlog (after an outage, or batches of instances that stopped) goes in bounded steps, a few per call.
            for (var round = 0; round < CatchUpMaxRounds && await record.CatchUpStatsAsync(CatchUpMaxBatches, ct) == CatchUpMaxBatches; round++)
            {
            }

            // Committed: as much an answer as a batch's. A catch-up begun as PostgreSQL stalled is held through the stall
            // like a batch, and the loop writes no batch while the record is marked down, so unless this marks it up
            // only the next ping would.
            MarkRecordUp("the stats catch-up was committed");
        }
        catch (Exception ex) when (ex is Npgsql.NpgsqlException or TimeoutException)
        {
            // Nothing is lost: the pending rows stay, are counted by every stats read, and fold at the next catch-up.
            LogCatchUpFailed(ex.Message);
        }
        catch (Exception) when (ct.IsCancellationRequested)
        {
            // Stopping (cancelled, or the record disposed under it): the pending rows stay for the next start or another
            // instance.
        }
        catch (Exception ex)
        {
            // A bug: logged whole, as no one awaits this task; the pending rows stay for the next catch-up.
            LogCatchUpFailed(ex.ToString());
        }
        finally
        {
            _catchUp.Release();
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

    [LoggerMessage(EventId = 4202, Level = LogLevel.Error, Message = "PostgreSQL is not answering ({Error}); new purchases are refused until it does")]
    private partial void LogRecordDown(string error);

    [LoggerMessage(EventId = 4212, Level = LogLevel.Warning, Message = "A ping to PostgreSQL was unanswered for {Seconds:F0} s; it is given up and the next goes on a fresh connection (the pool was cleared: a server gone without a word, as after a failover to another host, leaves its connections hanging)")]
    private partial void LogPingGivenUp(double seconds);

    [LoggerMessage(EventId = 4203, Level = LogLevel.Information, Message = "PostgreSQL answers again ({Proof}); pending orders are being recorded")]
    private partial void LogRecordBack(string proof);

    [LoggerMessage(EventId = 4206, Level = LogLevel.Warning, Message = "Stats catch-up failed ({Error}); the stats stay exact and it is tried again")]
    private partial void LogCatchUpFailed(string error);
}
