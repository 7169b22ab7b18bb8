using BenchmarkDotNet.Attributes;
using FlashSale.Purchasing;
using FlashSale.Storage.Embedded;

namespace FlashSale.Bench.Micro;

/// <summary>The embedded decision: <see cref="SaleBook.Decide"/> under the sale's lock, no I/O.</summary>
public class LedgerDecisionBenchmarks
{
    private SaleBook _open = null!;
    private SaleBook _soldOut = null!;
    private PurchaseAttempt[] _attempts = [];
    private DateTimeOffset _now;
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        // Stock and limit high enough that every call reserves, however many calls the run makes.
        var sale = BenchData.OpenSale(int.MaxValue, int.MaxValue);
        _open = new SaleBook(sale, int.MaxValue);
        _soldOut = new SaleBook(sale, 0);
        _attempts = BenchData.Attempts(sale.Id);
        _now = DateTimeOffset.UtcNow;
    }

    /// <summary>A successful reservation: checks, stock and hold updated, the order built.</summary>
    [Benchmark]
    public object Reserve()
    {
        var attempt = _attempts[(uint)_next++ % (uint)_attempts.Length];
        lock (_open.Gate)
        {
            return _open.Decide(attempt, _now);
        }
    }

    /// <summary>A rejection through the book (the short-circuit in EmbeddedLedger skips even this).</summary>
    [Benchmark]
    public object SoldOut()
    {
        var attempt = _attempts[(uint)_next++ % (uint)_attempts.Length];
        lock (_soldOut.Gate)
        {
            return _soldOut.Decide(attempt, _now);
        }
    }
}
