using FlashSale.Sales;

namespace FlashSale.Admin;

/// <summary>
/// A partial update: absent (or null) fields stay as they are. The limit and the start may change only while the sale
/// is upcoming, the stock and the end until it ends, product fields only before its first order.
/// </summary>
public sealed record UpdateSaleRequest(
    string? Sku = null,
    string? ProductName = null,
    string? Description = null,
    decimal? Price = null,
    string? Currency = null,
    string? ImageUrl = null,
    int? TotalStock = null,
    int? PerUserLimit = null,
    DateTimeOffset? StartsAt = null,
    DateTimeOffset? EndsAt = null)
{
    /// <summary>The sale as it would be, in the create request's shape so both validate alike.</summary>
    public CreateSaleRequest MergeInto(Sale sale) => new(
        Sku ?? sale.Sku,
        ProductName ?? sale.ProductName,
        Price ?? sale.Price,
        TotalStock ?? sale.TotalStock,
        StartsAt ?? sale.StartsAt,
        EndsAt ?? sale.EndsAt,
        Description ?? sale.Description,
        Currency ?? sale.Currency,
        ImageUrl ?? sale.ImageUrl,
        PerUserLimit ?? sale.PerUserLimit);

    /// <summary>
    /// The merged sale's errors this request answers for. The window's rule (the end after the start) only when it sends
    /// the start or the end: an upcoming sale ended early keeps its start at its end (it never opens), and until
    /// 2026-12-07 every update of it, <c>{}</c> included, was refused "endsAt must be after the start" for a window it did
    /// not send. Every other rule stands whatever was sent (a new currency judges the recorded price, say).
    /// </summary>
    public IDictionary<string, string[]> ErrorsIn(Common.Validation merged) => StartsAt is not null || EndsAt is not null
        ? merged.Errors
        : merged.Errors.Where(e => e.Key != "endsAt").ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal);

    public static bool ChangesTrading(Sale before, Sale after) =>
        before.TotalStock != after.TotalStock || before.PerUserLimit != after.PerUserLimit
        || before.StartsAt != after.StartsAt || before.EndsAt != after.EndsAt;

    public static bool ChangesProduct(Sale before, Sale after) =>
        !string.Equals(before.Sku, after.Sku, StringComparison.Ordinal)
        || !string.Equals(before.ProductName, after.ProductName, StringComparison.Ordinal)
        || !string.Equals(before.Description, after.Description, StringComparison.Ordinal)
        || before.Price != after.Price
        || !string.Equals(before.Currency, after.Currency, StringComparison.Ordinal)
        || !string.Equals(before.ImageUrl, after.ImageUrl, StringComparison.Ordinal);
}
