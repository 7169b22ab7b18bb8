using FlashSale.Purchasing;
using Microsoft.Extensions.Options;

namespace FlashSale.Sales;

/// <summary>
/// The stock the public list shows, per instance, no older than <see cref="SalesOptions.ListStockMaxAge"/>: every
/// open home page polls the list, and each poll read the stock of every listed sale (in Redis, two commands a sale).
/// Only stock is kept, per sale id with the time its read began: the sales themselves come from the sale store on
/// every request (a sale created or deleted since shows or goes at once), and the status, the filter, the paging and
/// <c>serverTime</c> are worked out per request from the request's clock, so a sale whose start passes while its
/// stock is kept is <c>active</c> at once. The sales of a request with no fresh stock are read together in one ledger
/// batch; a request that needs a sale already being read waits for that read instead of starting another (a crowd of
/// pollers at the moment the stock expires makes one read). A failed read (the store down: 503) keeps nothing, so the
/// next request tries again. Stock older than the max age is never used and is dropped, so what is kept is at most
/// the sales listed within the last max age; a deleted sale's goes with it.
/// </summary>
public sealed class ListStockCache(IPurchaseLedger ledger, TimeProvider clock, IOptions<SalesOptions> options)
{
    // Only for a ledger that reads stock over the network: the embedded one reads memory, faster than this cache's own
    // bookkeeping (its list served 39.6k/s uncached against 33.6k/s cached, bench/reads.sh).
    private readonly TimeSpan _maxAge = ledger.ReadsStockRemotely ? options.Value.ListStockMaxAge : TimeSpan.Zero;
    private readonly Lock _gate = new();
    private readonly Dictionary<Guid, Kept> _kept = [];
    private readonly Dictionary<Guid, Task<Dictionary<Guid, StockLevel>>> _reading = [];
    private DateTimeOffset _nextSweep = DateTimeOffset.MinValue;

    /// <summary>The stock of <paramref name="sales"/>, in their order, each read no longer than the max age ago.</summary>
    public async Task<IReadOnlyList<StockLevel>> GetStocksAsync(IReadOnlyList<Sale> sales, CancellationToken ct)
    {
        if (_maxAge <= TimeSpan.Zero)
        {
            return await ledger.GetStocksAsync(sales, ct);
        }

        var levels = new StockLevel[sales.Count];
        var waits = new List<(int Index, Task<Dictionary<Guid, StockLevel>> Read)>();
        List<Sale>? missing = null;
        TaskCompletionSource<Dictionary<Guid, StockLevel>>? own = null;
        DateTimeOffset now;
        lock (_gate)
        {
            now = clock.GetUtcNow();
            for (var i = 0; i < sales.Count; i++)
            {
                var sale = sales[i];
                // Stock kept for another total (an upcoming sale's stock edited since) is read again, never shown
                // against the new total.
                if (_kept.TryGetValue(sale.Id, out var kept) && IsFresh(kept, now) && kept.Level.TotalStock == sale.TotalStock)
                {
                    levels[i] = kept.Level;
                    continue;
                }

                if (!_reading.TryGetValue(sale.Id, out var read))
                {
                    if (own is null)
                    {
                        // Completed apart from the caller: the requests that join this read must not run its continuation.
                        own = new TaskCompletionSource<Dictionary<Guid, StockLevel>>(TaskCreationOptions.RunContinuationsAsynchronously);
                        missing = [];
                    }

                    missing!.Add(sale);
                    read = own.Task;
                    _reading[sale.Id] = read;
                }

                waits.Add((i, read));
            }

            if (own is not null)
            {
                Sweep(now);
            }
        }

        if (own is not null)
        {
            // Not awaited here: like every request joining it, this one waits below and may leave (ct) while it runs.
            _ = ReadAsync(missing!, now, own);
        }

        foreach (var (index, read) in waits)
        {
            // A read shared by several requests is not stopped by one of them going away: only this wait is.
            levels[index] = (await read.WaitAsync(ct))[sales[index].Id];
        }

        return levels;
    }

    /// <summary>Reads <paramref name="missing"/> for every request waiting on it; never throws (the waiters see the error).</summary>
    private async Task ReadAsync(List<Sale> missing, DateTimeOffset startedAt, TaskCompletionSource<Dictionary<Guid, StockLevel>> own)
    {
        try
        {
            var levels = await ledger.GetStocksAsync(missing, CancellationToken.None);
            var read = new Dictionary<Guid, StockLevel>(missing.Count);
            lock (_gate)
            {
                for (var i = 0; i < missing.Count; i++)
                {
                    read[missing[i].Id] = levels[i];
                    // Aged from when the read began: it shows the stock of that moment or later.
                    _kept[missing[i].Id] = new Kept(levels[i], startedAt);
                    _reading.Remove(missing[i].Id);
                }
            }

            own.SetResult(read);
        }
        catch (Exception error)
        {
            // Nothing kept: the next request reads again instead of being answered this failure.
            lock (_gate)
            {
                foreach (var sale in missing)
                {
                    _reading.Remove(sale.Id);
                }
            }

            own.SetException(error);
        }
    }

    private bool IsFresh(Kept kept, DateTimeOffset now) => now >= kept.ReadAt && now - kept.ReadAt < _maxAge;

    /// <summary>Drops stock too old to be shown (a deleted sale's among it), at most once per max age.</summary>
    private void Sweep(DateTimeOffset now)
    {
        // Skipped until a max age has passed since the last sweep, unless the clock went back past it.
        if (now < _nextSweep && now >= _nextSweep - _maxAge)
        {
            return;
        }

        _nextSweep = now + _maxAge;
        foreach (var (id, kept) in _kept)
        {
            if (!IsFresh(kept, now))
            {
                _kept.Remove(id);
            }
        }
    }

    /// <summary>How many sales' stock is kept (the tests' bound on memory).</summary>
    internal int Count
    {
        get
        {
            lock (_gate)
            {
                return _kept.Count;
            }
        }
    }

    private readonly record struct Kept(StockLevel Level, DateTimeOffset ReadAt);
}
