using FlashSale.Purchasing;
using FlashSale.Sales;
using Microsoft.Extensions.DependencyInjection;

namespace FlashSale.Tests.Live;

/// <summary>
/// The real ledger, counting how often anyone reads a sale's stock, and calling a test back after each change of a sale's
/// terms it takes (<see cref="AfterSaleChanged"/>) when one asks.
/// </summary>
public sealed class CountingLedger(IPurchaseLedger inner) : IPurchaseLedger
{
    private int _stockReads;

    /// <summary>Makes the server's ledger, whichever the storage registered, this wrapper around it.</summary>
    public static void Wrap(IServiceCollection services)
    {
        var registered = services.Last(d => d.ServiceType == typeof(IPurchaseLedger));
        services.AddSingleton(sp => new CountingLedger(registered switch
        {
            { ImplementationFactory: { } make } => (IPurchaseLedger)make(sp),
            { ImplementationInstance: IPurchaseLedger instance } => instance,
            _ => (IPurchaseLedger)ActivatorUtilities.CreateInstance(sp, registered.ImplementationType!),
        }));
        services.AddSingleton<IPurchaseLedger>(sp => sp.GetRequiredService<CountingLedger>());
    }

    /// <summary>Awaited with the terms once the ledger has taken them (<see cref="SaleChangedAsync"/>).</summary>
    public Func<Sale, Task>? AfterSaleChanged { get; set; }

    public int StockReads => Volatile.Read(ref _stockReads);

    public Task<PurchaseOutcome> PurchaseAsync(PurchaseAttempt attempt, CancellationToken ct) => inner.PurchaseAsync(attempt, ct);

    public bool ReadsStockRemotely => inner.ReadsStockRemotely;

    public Task<StockLevel> GetStockAsync(Sale sale, CancellationToken ct)
    {
        Interlocked.Increment(ref _stockReads);
        return inner.GetStockAsync(sale, ct);
    }

    public Task<int> GetHeldAsync(Sale sale, string userId, CancellationToken ct) => inner.GetHeldAsync(sale, userId, ct);

    public async Task SaleChangedAsync(Sale sale, CancellationToken ct)
    {
        await inner.SaleChangedAsync(sale, ct);
        if (AfterSaleChanged is { } hook)
        {
            await hook(sale);
        }
    }

    public Task<LedgerTerms?> GetTermsAsync(Guid saleId, CancellationToken ct) => inner.GetTermsAsync(saleId, ct);

    public Task<StockChange> TryChangeStockAsync(Sale changed, CancellationToken ct) => inner.TryChangeStockAsync(changed, ct);

    public Task<DateTimeOffset> EndAsync(Sale sale, DateTimeOffset end, CancellationToken ct) => inner.EndAsync(sale, end, ct);

    public Task<CancelOutcome> CancelAsync(Guid orderId, string cancelledBy, CancellationToken ct) =>
        inner.CancelAsync(orderId, cancelledBy, ct);

    public Task<bool> TryWithdrawSaleAsync(Sale sale, CancellationToken ct) => inner.TryWithdrawSaleAsync(sale, ct);

    public Task SaleRemovedAsync(Guid saleId, CancellationToken ct) => inner.SaleRemovedAsync(saleId, ct);

    public Task<IReadOnlyList<SaleReconciliation>> ReconcileAsync(bool repair, CancellationToken ct) => inner.ReconcileAsync(repair, ct);

    public Task ResetAsync(CancellationToken ct) => inner.ResetAsync(ct);
}
