using System.Diagnostics.Metrics;
using FlashSale.Operations;
using FlashSale.Sales;
using FlashSale.Storage.Postgres;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace FlashSale.Storage.Redis;

/// <summary>
/// Drops the Redis state of sales that ended <see cref="DistributedOptions.RetireAfter"/> ago and whose every order is
/// recorded: Redis runs with <c>noeviction</c>, and every sale ever run kept its keys (and its place in the registry,
/// which every persister sweep and lag sample reads) until Redis refused writes. Safe because an ended sale's missing
/// state is never rebuilt (<see cref="SaleStateBuilder.EnsureAsync"/>): the record answers its purchases (replays),
/// reads, cancels and reconciliation. Every instance sweeps; every step is idempotent, and a sweep that stops half way
/// is finished by the next (a sale still registered whose meta is gone goes through the same steps).
/// </summary>
public sealed partial class SaleRetirement(
    IConnectionMultiplexer redis,
    LedgerScripts scripts,
    ISaleStore sales,
    PostgresEndedSales ended,
    TimeProvider clock,
    IClockCheck clockCheck,
    IMeterFactory meters,
    IOptions<DistributedOptions> options,
    ILogger<SaleRetirement> log) : BackgroundService
{
    /// <summary>Idempotency keys per UNLINK: one slot (the sale's hash tag), so one command even on a Cluster.</summary>
    private const int UnlinkChunk = 500;

    private readonly DistributedOptions _options = options.Value;

    private readonly Counter<long> _retired = meters.Create(FlashSaleMetrics.MeterName).CreateCounter<long>(
        "flashsale.sales.retired", "{sale}", "Ended sales whose Redis state this instance retired (Distributed:RetireAfter).");

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_options.RetireSales)
        {
            return;
        }

        using var timer = new PeriodicTimer(_options.RetireSweepInterval);
        while (await WaitAsync(timer, stoppingToken))
        {
            try
            {
                await SweepAsync(stoppingToken);
            }
            catch (Exception ex) when (RedisFailure.Is(ex) || ex is Npgsql.NpgsqlException or TimeoutException
                or StoreUnavailableException or TaskCanceledException && !stoppingToken.IsCancellationRequested)
            {
                // Redis or the record away: nothing is lost by waiting, the next sweep tries again. Left unhandled it ended
                // ExecuteAsync and, with BackgroundServiceExceptionBehavior.StopHost, the whole instance.
                LogSweepFailed(ex.Message);
            }
        }
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken ct)
    {
        try
        {
            return await timer.WaitForNextTickAsync(ct);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>
    /// One sweep over the registered sales; returns how many this call took out of the registry. None while this instance's
    /// clock is out of step with Redis's (<see cref="IClockCheck"/>): "ended an hour ago" is judged on it, and until
    /// 2026-12-07 an instance two hours ahead retired every sale ending within the next hour, state rebuilt at the next
    /// purchase each time, and logged them as ended (an audit with libfaketime).
    /// </summary>
    public async Task<int> SweepAsync(CancellationToken ct)
    {
        if (!clockCheck.InStep)
        {
            LogSweepSkipped();
            return 0;
        }

        var db = redis.GetDatabase();
        var ids = RedisKeys.SaleIds(await db.SetMembersAsync(RedisKeys.Registry(_options.Namespace))).ToList();
        if (ids.Count == 0)
        {
            return 0;
        }

        var cutoff = clock.GetUtcNow() - _options.RetireAfter;
        // Every registered sale's end in one pipelined round trip: only those ended long enough ago, or without state, go
        // on to the record.
        var batch = db.CreateBatch();
        var ends = ids.Select(id => batch.HashGetAsync(RedisKeys.Meta(id), "ends")).ToArray();
        batch.Execute();
        var retired = 0;
        for (var i = 0; i < ids.Count; i++)
        {
            var end = await ends[i];
            if ((end.IsNull || (long)end <= cutoff.ToUnixTimeMilliseconds()) && await RetireAsync(db, ids[i], cutoff, ct))
            {
                retired++;
            }
        }

        return retired;
    }

    private async Task<bool> RetireAsync(IDatabase db, Guid id, DateTimeOffset cutoff, CancellationToken ct)
    {
        // The record's word too: the ledger's end can be earlier (an admin's end reaches it before the record, and an
        // instance dying in between leaves the record open). A sale the record no longer has is the delete's to forget.
        var sale = await sales.FindLatestAsync(id, ct);
        if (sale is null || sale.EndsAt > cutoff)
        {
            return false;
        }

        var reply = (RedisResult[])(await scripts.Retire.EvaluateAsync(db,
            [
                RedisKeys.Meta(id), RedisKeys.Stock(id), RedisKeys.Buyers(id), RedisKeys.Cancelled(id), RedisKeys.Outbox(id),
                RedisKeys.Cancelling(id), RedisKeys.RebuildLock(id),
            ],
            // Cancels in flight carry expiries of the instances' own clocks (RedisLedger.CancelAsync, measure.lua), not TimeProvider's.
            [cutoff.ToUnixTimeMilliseconds(), DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()]))!;
        var verdict = (string)reply[0]!;
        if (verdict is not ("retired" or "missing"))
        {
            // Not yet: orders still to record, a cancel between its steps, a rebuild under way. The next sweep looks again.
            LogNotYet(id, verdict);
            return false;
        }

        // Listed after the state went: no order can be decided since (purchase.lua finds no meta). Keys left by a sweep
        // that stops here are harmless (purchase.lua reads the meta first) and the next sweep deletes them again.
        var freed = (long)reply[1];
        foreach (var chunk in (await ended.ListOrderKeysAsync(id, ct)).Chunk(UnlinkChunk))
        {
            var keys = chunk.Select(k => (object)RedisKeys.Idempotency(id, k.UserId, k.Key)).ToArray();
            freed += (long)await db.ExecuteAsync("UNLINK", keys);
        }

        var member = id.ToString("D");
        if (!await db.SetRemoveAsync(RedisKeys.Registry(_options.Namespace), member))
        {
            // Another instance finished it.
            return false;
        }

        if (await db.KeyExistsAsync(RedisKeys.Meta(id)))
        {
            // State again (nothing rebuilds an ended sale's, but an older instance in a rolling upgrade would): registered
            // again, after the rebuild registered it, so its outbox is never left out of the persisters' sweeps.
            await db.SetAddAsync(RedisKeys.Registry(_options.Namespace), member);
            return false;
        }

        _retired.Add(1);
        LogRetired(id, sale.EndsAt, freed);
        return true;
    }

    [LoggerMessage(EventId = 4241, Level = LogLevel.Information,
        Message = "Sale {SaleId} (ended {EndedAt:O}) retired from Redis: {KeysFreed} keys freed; the record answers for it from now on")]
    private partial void LogRetired(Guid saleId, DateTimeOffset endedAt, long keysFreed);

    [LoggerMessage(EventId = 4242, Level = LogLevel.Debug, Message = "Sale {SaleId} not retired yet: {Why}")]
    private partial void LogNotYet(Guid saleId, string why);

    [LoggerMessage(EventId = 4243, Level = LogLevel.Warning, Message = "Retirement sweep failed ({Error}); the next sweep tries again")]
    private partial void LogSweepFailed(string error);

    [LoggerMessage(EventId = 4244, Level = LogLevel.Debug,
        Message = "Retirement sweep skipped: this instance's clock is out of step with Redis's (event 4271), and a sale's end is judged on it")]
    private partial void LogSweepSkipped();
}
