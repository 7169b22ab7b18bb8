using FlashSale.Purchasing;
using FlashSale.Sales;

namespace FlashSale.Web;

/// <summary>
/// What the edit form may still change, by the rules the admin service applies on save (<c>SaleCommands</c>): every field
/// while the sale is upcoming and unsold; once it has started, the product fields only (stock, limit and window are
/// fixed); once a unit is sold (cancelled orders too), nothing. The form shows the fixed fields read-only and says why:
/// until 2026-12-06 every field was open, and the admin learned only from the refusal after saving.
/// </summary>
internal enum SaleEditState
{
    Open,
    Started,
    Sold,
}

internal static class SaleEditStates
{
    private static readonly HashSet<string> Trading = new(StringComparer.Ordinal) { "totalStock", "perUserLimit", "startsAt", "endsAt" };

    /// <summary>The sale's state now: its ledger's count (a purchase not yet committed included) and the clock.</summary>
    public static async Task<SaleEditState> OfAsync(Sale sale, IPurchaseLedger ledger, TimeProvider clock, CancellationToken ct) =>
        (await ledger.GetStockAsync(sale, ct)).Sold > 0 ? SaleEditState.Sold
        : clock.GetUtcNow() >= sale.StartsAt ? SaleEditState.Started
        : SaleEditState.Open;

    /// <summary>Whether the form's field (by its name) can no longer change.</summary>
    public static bool Fixes(this SaleEditState state, string field) =>
        state == SaleEditState.Sold || (state == SaleEditState.Started && Trading.Contains(field));

    /// <summary>
    /// A refused form drawn again: what the admin typed, but the fixed fields as the sale has them. A read-only field
    /// showing a refused value (a stock of 50 typed while the sale was starting) would be posted again with the next save
    /// and refused again, with no way to change it back.
    /// </summary>
    public static SaleFormValues Shown(this SaleEditState state, SaleFormValues posted, SaleFormValues current) => state switch
    {
        SaleEditState.Sold => current,
        SaleEditState.Started => posted with
        {
            TotalStock = current.TotalStock, PerUserLimit = current.PerUserLimit, StartsAt = current.StartsAt, EndsAt = current.EndsAt,
        },
        _ => posted,
    };

    public static string Note(this SaleEditState state) => state switch
    {
        SaleEditState.Sold => "This sale has orders: nothing about it can change any more. To stop selling, end it from the dashboard.",
        SaleEditState.Started => "The sale has started: its stock, limit and window are fixed. The SKU, product, price and image can change until its first order.",
        _ => "Stock, limit and window can change only before the sale starts; the SKU, product, price and image only before its first order.",
    };
}
