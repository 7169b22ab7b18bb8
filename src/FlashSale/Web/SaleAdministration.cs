using FlashSale.Admin;
using FlashSale.Common;
using FlashSale.Sales;

namespace FlashSale.Web;

/// <summary>The dashboard's sale actions over <see cref="SaleCommands"/>: the rules are the admin API's; only the wording is the page's.</summary>
public sealed class SaleAdministration(SaleCommands commands) : ISaleAdministration
{
    public async Task<AdminActionResult> CreateAsync(CreateSaleRequest request, CancellationToken ct) =>
        Answer(await commands.CreateAsync(request, ct), name => $"Sale “{name}” created.");

    public async Task<AdminActionResult> UpdateAsync(Guid saleId, UpdateSaleRequest edit, Func<Sale, bool> expected, CancellationToken ct) =>
        Answer(await commands.UpdateAsync(saleId, edit, expected, ct), name => $"Changes to “{name}” saved.");

    public async Task<AdminActionResult> EndAsync(Guid saleId, CancellationToken ct) =>
        Answer(await commands.EndAsync(saleId, ct), name => $"Sale “{name}” ended: nobody can buy it any more.");

    public async Task<AdminActionResult> DeleteAsync(Guid saleId, CancellationToken ct) =>
        Answer(await commands.DeleteAsync(saleId, ct), name => $"Sale “{name}” deleted.");

    private static AdminActionResult Answer(SaleCommandResult result, Func<string, string> done)
    {
        if (result.Refusal is not { } refusal)
        {
            return AdminActionResult.Ok(done(result.Sale!.ProductName), result.Sale.Id) with
            {
                ProductName = result.Sale.ProductName, Sku = result.Sale.Sku,
            };
        }

        if (refusal.Errors is { } errors)
        {
            return AdminActionResult.Failed("Please correct the highlighted fields.", errors);
        }

        var errorsForForm = refusal.Reason == Reasons.SkuTaken ? new Dictionary<string, string[]> { ["sku"] = ["is taken."] } : null;
        // sku_taken carries the sale holding the SKU (when it could be read): the form links to it.
        return new AdminActionResult(false, Explain(refusal), refusal.SaleId, errorsForForm, refusal.Reason, refusal.Status);
    }

    /// <summary>The refusal in words; the times the API gives in ISO form, as the pages show times.</summary>
    private static string Explain(SaleRefusal refusal) => refusal.Reason switch
    {
        Reasons.SaleNotUpcoming => $"{refusal.Title} Only product details can change now, and only while it has no orders.",
        Reasons.SaleEnded => $"{refusal.Title} There is nothing to end.",
        _ => refusal.Title,
    };
}
