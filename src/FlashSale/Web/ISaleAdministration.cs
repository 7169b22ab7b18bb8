using FlashSale.Admin;

namespace FlashSale.Web;

/// <summary>
/// The dashboard's sale actions, behind a seam. <see cref="StoreSaleAdministration"/> creates sales
/// now; update, end and delete belong to the admin API and are wired to it at merge.
/// </summary>
public interface ISaleAdministration
{
    Task<AdminActionResult> CreateAsync(CreateSaleRequest request, CancellationToken ct);

    Task<AdminActionResult> UpdateAsync(Guid saleId, SaleEdit edit, CancellationToken ct);

    Task<AdminActionResult> EndAsync(Guid saleId, CancellationToken ct);

    Task<AdminActionResult> DeleteAsync(Guid saleId, CancellationToken ct);
}

/// <summary>What the admin may change; stock and window only while the sale is upcoming (the admin API decides).</summary>
public sealed record SaleEdit(string ProductName, string? Description, decimal Price, string? ImageUrl, int TotalStock,
    int PerUserLimit, DateTimeOffset StartsAt, DateTimeOffset EndsAt);

public sealed record AdminActionResult(bool Succeeded, string Message, Guid? SaleId = null,
    IDictionary<string, string[]>? Errors = null)
{
    public static AdminActionResult Ok(string message, Guid? saleId = null) => new(true, message, saleId);

    public static AdminActionResult Failed(string message, IDictionary<string, string[]>? errors = null) =>
        new(false, message, null, errors);
}
