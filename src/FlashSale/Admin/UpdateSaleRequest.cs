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
    /// The merged sale's errors this request answers for: those of the fields whose value it changes, each rule with the
    /// fields it reads together (the price in its currency, the end after the start). A value the sale already has is not
    /// judged again: an upcoming sale ended early keeps its start at its end (it never opens), and until 2026-12-07 every
    /// update of it, <c>{}</c> and its own window sent back included, was refused "endsAt must be after the start"; a name
    /// stored before a rule was tightened would likewise have frozen the stock and end of a sale with orders.
    /// </summary>
    public IDictionary<string, string[]> ErrorsIn(Common.Validation merged, Sale sale)
    {
        var after = MergeInto(sale).ToSale(sale.CreatedAt);
        bool Same(string? a, string? b) => string.Equals(a, b, StringComparison.Ordinal);
        bool Changes(string field) => field switch
        {
            "sku" => !Same(after.Sku, sale.Sku),
            "productName" => !Same(after.ProductName, sale.ProductName),
            "description" => !Same(after.Description, sale.Description),
            "imageUrl" => !Same(after.ImageUrl, sale.ImageUrl),
            "currency" => !Same(after.Currency, sale.Currency),
            "price" => after.Price != sale.Price || !Same(after.Currency, sale.Currency),
            "totalStock" => after.TotalStock != sale.TotalStock,
            "perUserLimit" => after.PerUserLimit != sale.PerUserLimit,
            "endsAt" => after.StartsAt != sale.StartsAt || after.EndsAt != sale.EndsAt,
            _ => true,
        };
        return merged.Errors.Where(e => Changes(e.Key)).ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal);
    }

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
