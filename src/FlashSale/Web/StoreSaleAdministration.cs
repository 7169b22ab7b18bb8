using FlashSale.Admin;
using FlashSale.Purchasing;
using FlashSale.Sales;

namespace FlashSale.Web;

/// <summary>Create as the admin API does it (record, then ledger); the rest waits for the admin services.</summary>
public sealed class StoreSaleAdministration(ISaleStore sales, IPurchaseLedger ledger, TimeProvider clock) : ISaleAdministration
{
    private const string NotYet = "This action arrives with the admin API; nothing was changed.";

    public async Task<AdminActionResult> CreateAsync(CreateSaleRequest request, CancellationToken ct)
    {
        var validation = request.Validate();
        if (!validation.IsValid)
        {
            return AdminActionResult.Failed("Please correct the highlighted fields.", validation.Errors);
        }

        var sale = request.ToSale(clock.GetUtcNow());
        if (!await sales.TryCreateAsync(sale, ct))
        {
            return AdminActionResult.Failed("A sale with this SKU exists.",
                new Dictionary<string, string[]> { ["sku"] = ["is taken."] });
        }

        await ledger.SaleChangedAsync(sale, ct);
        return AdminActionResult.Ok($"Sale “{sale.ProductName}” created.", sale.Id);
    }

    public Task<AdminActionResult> UpdateAsync(Guid saleId, SaleEdit edit, CancellationToken ct) =>
        Task.FromResult(AdminActionResult.Failed(NotYet));

    public Task<AdminActionResult> EndAsync(Guid saleId, CancellationToken ct) =>
        Task.FromResult(AdminActionResult.Failed(NotYet));

    public Task<AdminActionResult> DeleteAsync(Guid saleId, CancellationToken ct) =>
        Task.FromResult(AdminActionResult.Failed(NotYet));
}
