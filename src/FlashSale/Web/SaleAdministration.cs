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
        Answer(await commands.UpdateAsync(saleId, edit, expected, ct), name => $"Changes to “{name}” saved.",
            "Its stock and end can no longer change.");

    public async Task<AdminActionResult> EndAsync(Guid saleId, CancellationToken ct) =>
        Answer(await commands.EndAsync(saleId, ct), name => $"Sale “{name}” ended: nobody can buy it any more.", EndedNothingToEnd);

    public async Task<AdminActionResult> DeleteAsync(Guid saleId, CancellationToken ct) =>
        Answer(await commands.DeleteAsync(saleId, ct), name => $"Sale “{name}” deleted.");

    private const string EndedNothingToEnd = "There is nothing to end.";

    /// <summary>
    /// The page's answer to a command. <paramref name="whenEnded"/> follows a <c>sale_ended</c> refusal's title: what the
    /// refused action cannot do to an ended sale (an edit's stock or end, an end), where until 2026-12-07 only End met it.
    /// </summary>
    private static AdminActionResult Answer(SaleCommandResult result, Func<string, string> done, string whenEnded = EndedNothingToEnd)
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

        // sku_taken carries the sale holding the SKU (when it could be read): the form links to it. stock_below_sold is said
        // under the stock too, with the floor, so the field to mend is the one focused.
        var errorsForForm = refusal.Reason switch
        {
            Reasons.SkuTaken => new Dictionary<string, string[]> { ["sku"] = ["is taken."] },
            Reasons.StockBelowSold when refusal.Sold is { } sold =>
                new Dictionary<string, string[]> { ["totalStock"] = [$"cannot be below the {Units(sold)} sold or being sold."] },
            _ => null,
        };
        return new AdminActionResult(false, Explain(refusal, whenEnded), refusal.SaleId, errorsForForm, refusal.Reason, refusal.Status);
    }

    /// <summary>The refusal in words; the times the API gives in ISO form, as the pages show times.</summary>
    private static string Explain(SaleRefusal refusal, string whenEnded) => refusal.Reason switch
    {
        Reasons.SaleNotUpcoming => $"{refusal.Title} Its stock and end can still change until it ends; the product details only while it has no orders.",
        Reasons.SaleEnded => $"{refusal.Title} {whenEnded}",
        // How far down the stock can go, which the API's detail says in its own terms; without a count (the order record
        // holds more than the ledger counts: G4), the way to the page that shows the disagreement.
        Reasons.StockBelowSold => refusal.Sold is { } sold
            ? $"{refusal.Title} {Units(sold)} {(sold == 1 ? "is" : "are")} sold or being sold: the stock can go down to {Format.Number(sold)}, no lower. Nothing was saved."
            : $"{refusal.Title} The order record holds more confirmed units than the purchase ledger counts: see the ledger check (/admin/ledger). Nothing was saved.",
        _ => refusal.Title,
    };

    private static string Units(int n) => $"{Format.Number(n)} {(n == 1 ? "unit" : "units")}";
}
