using FlashSale.Purchasing;
using FlashSale.Sales;

namespace FlashSale.Tests.Live;

/// <summary>The real ledger, counting how often anyone reads a sale's stock.</summary>
public sealed class CountingLedger(IPurchaseLedger inner) : IPurchaseLedger
{
    private int _stockReads;

    public int StockReads => Volatile.Read(ref _stockReads);

    public Task<PurchaseOutcome> PurchaseAsync(PurchaseAttempt attempt, CancellationToken ct) => inner.PurchaseAsync(attempt, ct);

    public bool ReadsStockRemotely => inner.ReadsStockRemotely;

    public Task<StockLevel> GetStockAsync(Sale sale, CancellationToken ct)
    {
        Interlocked.Increment(ref _stockReads);
        return inner.GetStockAsync(sale, ct);
    }

    public Task<int> GetHeldAsync(Sale sale, string userId, CancellationToken ct) => inner.GetHeldAsync(sale, userId, ct);

    public Task SaleChangedAsync(Sale sale, CancellationToken ct) => inner.SaleChangedAsync(sale, ct);

    public Task<StockChange> TryChangeStockAsync(Sale changed, CancellationToken ct) => inner.TryChangeStockAsync(changed, ct);

    public Task<CancelOutcome> CancelAsync(Guid orderId, string cancelledBy, CancellationToken ct) =>
        inner.CancelAsync(orderId, cancelledBy, ct);

    public Task<bool> TryWithdrawSaleAsync(Sale sale, CancellationToken ct) => inner.TryWithdrawSaleAsync(sale, ct);

    public Task SaleRemovedAsync(Guid saleId, CancellationToken ct) => inner.SaleRemovedAsync(saleId, ct);

    public Task<IReadOnlyList<SaleReconciliation>> ReconcileAsync(bool repair, CancellationToken ct) => inner.ReconcileAsync(repair, ct);

    public Task ResetAsync(CancellationToken ct) => inner.ResetAsync(ct);
}
