using FlashSale.Purchasing;
using FlashSale.Sales;

namespace FlashSale.Web;

/// <summary>
/// What the edit form may still change, by the rules the admin service applies on save (<c>SaleCommands</c>): every field
/// while the sale is upcoming; the limit and the start only until it starts; the stock and the end until it ends; the
/// product fields (SKU, name, description, price, currency, image) only before its first order (cancelled ones too). The
/// form shows the fixed fields read-only and says why: until 2026-12-06 every field was open, and the admin learned only
/// from the refusal after saving. Until 2026-12-07 a started sale's stock and end were fixed too, and a sale with an order
/// had nothing left to change: more units found, or demand that outlasted the window, meant a new sale.
/// </summary>
internal enum SaleEditState
{
    /// <summary>Upcoming: every field.</summary>
    Open,

    /// <summary>Started, not ended, no order: all but the limit and the start.</summary>
    Started,

    /// <summary>Started, not ended, with an order: the stock and the end only.</summary>
    Sold,

    /// <summary>Ended, no order: the product fields only.</summary>
    Ended,

    /// <summary>Ended, with an order: nothing.</summary>
    EndedSold,
}

internal static class SaleEditStates
{
    private static readonly HashSet<string> Product = new(StringComparer.Ordinal)
    {
        "sku", "productName", "description", "price", "currency", "imageUrl",
    };

    /// <summary>The fields that move with the sale's clock: the limit and the start fixed at the start, the rest at the end.</summary>
    private static readonly HashSet<string> UntilStart = new(StringComparer.Ordinal) { "perUserLimit", "startsAt" };

    private static readonly HashSet<string> UntilEnd = new(StringComparer.Ordinal) { "totalStock", "endsAt" };

    /// <summary>The sale's state now: its ledger's count (a purchase not yet committed included) and the clock.</summary>
    public static async Task<SaleEditState> OfAsync(Sale sale, IPurchaseLedger ledger, TimeProvider clock, CancellationToken ct)
    {
        var sold = (await ledger.GetStockAsync(sale, ct)).Sold > 0;
        var now = clock.GetUtcNow();
        return now >= sale.EndsAt ? (sold ? SaleEditState.EndedSold : SaleEditState.Ended)
            : sold ? SaleEditState.Sold
            : now >= sale.StartsAt ? SaleEditState.Started
            : SaleEditState.Open;
    }

    /// <summary>Whether the form's field (by its name) can no longer change.</summary>
    public static bool Fixes(this SaleEditState state, string field) => state switch
    {
        SaleEditState.Open => false,
        SaleEditState.Started => UntilStart.Contains(field),
        SaleEditState.Sold => !UntilEnd.Contains(field),
        SaleEditState.Ended => !Product.Contains(field),
        _ => true,
    };

    /// <summary>Whether the form has anything left to save (a save button).</summary>
    public static bool CanSave(this SaleEditState state) => state != SaleEditState.EndedSold;

    /// <summary>
    /// A refused form drawn again: what the admin typed, but the fixed fields as the sale has them. A read-only field
    /// showing a refused value (a limit of 5 typed while the sale was starting) would be posted again with the next save
    /// and refused again, with no way to change it back.
    /// </summary>
    public static SaleFormValues Shown(this SaleEditState state, SaleFormValues posted, SaleFormValues current) => new()
    {
        Sku = Pick(state, "sku", posted.Sku, current.Sku),
        ProductName = Pick(state, "productName", posted.ProductName, current.ProductName),
        Description = Pick(state, "description", posted.Description, current.Description),
        Price = Pick(state, "price", posted.Price, current.Price),
        Currency = Pick(state, "currency", posted.Currency, current.Currency),
        ImageUrl = Pick(state, "imageUrl", posted.ImageUrl, current.ImageUrl),
        TotalStock = Pick(state, "totalStock", posted.TotalStock, current.TotalStock),
        PerUserLimit = Pick(state, "perUserLimit", posted.PerUserLimit, current.PerUserLimit),
        StartsAt = Pick(state, "startsAt", posted.StartsAt, current.StartsAt),
        EndsAt = Pick(state, "endsAt", posted.EndsAt, current.EndsAt),
        Version = posted.Version,
    };

    private static string? Pick(SaleEditState state, string field, string? posted, string? current) =>
        state.Fixes(field) ? current : posted;

    public static string Note(this SaleEditState state) => state switch
    {
        SaleEditState.EndedSold => "This sale has ended and has orders: nothing about it can change any more.",
        SaleEditState.Ended => "This sale has ended: its stock, limit and window are fixed. The SKU, product, price and image can change while it has no orders.",
        SaleEditState.Sold => "This sale has orders: only its stock and end can change, until it ends. The stock cannot go below the units sold.",
        SaleEditState.Started => "The sale has started: its limit per buyer and start are fixed. Its stock and end can change until it ends; the SKU, product, price and image until its first order.",
        _ => "The limit per buyer and the start can change only before the sale starts; the stock and the end until it ends; the SKU, product, price and image only before its first order.",
    };
}
