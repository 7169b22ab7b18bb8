using FlashSale.Purchasing;
using FlashSale.Sales;
using FlashSale.Storage;
using FlashSale.Tests.Infrastructure;
using Microsoft.Extensions.Options;

namespace FlashSale.Tests.Sales;

/// <summary>
/// ListStockCache on its own, with a ledger the test answers by hand: the moment a read is in flight is what matters
/// here, and a real store answers before a test can look. Requests that miss while a read of their sales is in flight
/// wait for it instead of reading again; a failed read reaches every one of them and is not kept.
/// </summary>
public sealed class ListStockCacheCoalescingTests
{
    /// <summary>Every wait is bounded: a cache that lost a read fails the test instead of hanging the run.</summary>
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    private readonly ManualClock _clock = new(DateTimeOffset.UtcNow);
    private readonly HeldLedger _ledger = new();
    private readonly ListStockCache _cache;
    private readonly Sale _a = NewSale(10);
    private readonly Sale _b = NewSale(20);

    public ListStockCacheCoalescingTests() => _cache = new ListStockCache(_ledger, _clock, Options.Create(new SalesOptions()));

    [Fact]
    public async Task ConcurrentMisses_MakeOneRead_AndALaterMissReadsOnlyTheSalesNotKept()
    {
        var waiting = Enumerable.Range(0, 5).Select(_ => _cache.GetStocksAsync([_a, _b], CancellationToken.None)).ToList();

        Assert.Single(_ledger.Reads);
        Assert.All(waiting, w => Assert.False(w.IsCompleted));
        _ledger.Answer();
        foreach (var levels in await Task.WhenAll(waiting).WaitAsync(Bound))
        {
            Assert.Equal([new StockLevel(10, 10), new StockLevel(20, 20)], levels);
        }

        var c = NewSale(30);
        var next = _cache.GetStocksAsync([_a, c, _b], CancellationToken.None);
        Assert.Equal(2, _ledger.Reads.Count);
        Assert.Equal([c.Id], _ledger.Reads[1].Select(s => s.Id));
        _ledger.Answer();
        Assert.Equal([new StockLevel(10, 10), new StockLevel(30, 30), new StockLevel(20, 20)], await next.WaitAsync(Bound));
    }

    [Fact]
    public async Task AFailedRead_ReachesEveryoneWaiting_AndIsNotKept()
    {
        var waiting = Enumerable.Range(0, 3).Select(_ => _cache.GetStocksAsync([_a], CancellationToken.None)).ToList();
        _ledger.Fail();
        foreach (var w in waiting)
        {
            await Assert.ThrowsAsync<StoreUnavailableException>(() => w.WaitAsync(Bound));
        }

        var again = _cache.GetStocksAsync([_a], CancellationToken.None); // the clock has not moved
        Assert.Equal(2, _ledger.Reads.Count);
        _ledger.Answer();
        Assert.Equal([new StockLevel(10, 10)], await again.WaitAsync(Bound));
    }

    [Fact]
    public async Task ARequestLeaving_DoesNotStopTheReadOthersWaitFor()
    {
        using var leaving = new CancellationTokenSource();
        var first = _cache.GetStocksAsync([_a], leaving.Token);
        var second = _cache.GetStocksAsync([_a], CancellationToken.None);

        await leaving.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first.WaitAsync(Bound));
        _ledger.Answer();

        Assert.Equal([new StockLevel(10, 10)], await second.WaitAsync(Bound));
        Assert.Single(_ledger.Reads);
    }

    private static Sale NewSale(int stock) => new()
    {
        Id = Guid.NewGuid(),
        Sku = "SKU-" + Guid.NewGuid().ToString("N"),
        ProductName = "p",
        Price = 1m,
        TotalStock = stock,
        StartsAt = DateTimeOffset.UnixEpoch,
        EndsAt = DateTimeOffset.MaxValue,
        CreatedAt = DateTimeOffset.UnixEpoch,
    };

    /// <summary>Holds each batch read until the test answers it (every sale full) or fails it (the store down).</summary>
    private sealed class HeldLedger : IPurchaseLedger
    {
        private readonly List<(IReadOnlyList<Sale> Sales, TaskCompletionSource<IReadOnlyList<StockLevel>> Answer)> _reads = [];

        public List<IReadOnlyList<Sale>> Reads => _reads.ConvertAll(r => r.Sales);

        public bool ReadsStockRemotely => true; // as Redis's: the cache is for such ledgers only

        public Task<IReadOnlyList<StockLevel>> GetStocksAsync(IReadOnlyList<Sale> sales, CancellationToken ct)
        {
            var answer = new TaskCompletionSource<IReadOnlyList<StockLevel>>(TaskCreationOptions.RunContinuationsAsynchronously);
            // As a real store does: a read whose token is cancelled stops.
            ct.Register(() => answer.TrySetCanceled(ct));
            _reads.Add((sales, answer));
            return answer.Task;
        }

        public void Answer()
        {
            var (sales, answer) = _reads[^1];
            answer.TrySetResult(sales.Select(s => new StockLevel(s.TotalStock, s.TotalStock)).ToList());
        }

        public void Fail() => _reads[^1].Answer.SetException(new StoreUnavailableException("Redis is down"));

        public Task<StockLevel> GetStockAsync(Sale sale, CancellationToken ct) => throw new NotSupportedException();

        public Task<PurchaseOutcome> PurchaseAsync(PurchaseAttempt attempt, CancellationToken ct) => throw new NotSupportedException();

        public Task<int> GetHeldAsync(Sale sale, string userId, CancellationToken ct) => throw new NotSupportedException();

        public Task SaleChangedAsync(Sale sale, CancellationToken ct) => throw new NotSupportedException();

        public Task<LedgerTerms?> GetTermsAsync(Guid saleId, CancellationToken ct) => throw new NotSupportedException();

        public Task<StockChange> TryChangeStockAsync(Sale changed, CancellationToken ct) => throw new NotSupportedException();

        public Task<DateTimeOffset> EndAsync(Sale sale, DateTimeOffset end, CancellationToken ct) => throw new NotSupportedException();

        public Task<CancelOutcome> CancelAsync(Guid orderId, string cancelledBy, CancellationToken ct) => throw new NotSupportedException();

        public Task<bool> TryWithdrawSaleAsync(Sale sale, CancellationToken ct) => throw new NotSupportedException();

        public Task SaleRemovedAsync(Guid saleId, CancellationToken ct) => throw new NotSupportedException();

        public Task<IReadOnlyList<SaleReconciliation>> ReconcileAsync(bool repair, CancellationToken ct) => throw new NotSupportedException();

        public Task ResetAsync(CancellationToken ct) => throw new NotSupportedException();
    }
}
