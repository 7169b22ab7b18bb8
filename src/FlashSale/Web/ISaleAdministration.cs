using FlashSale.Admin;
using FlashSale.Sales;

namespace FlashSale.Web;

/// <summary>The dashboard's sale actions: <see cref="SaleAdministration"/> runs the admin API's own rules (<see cref="SaleCommands"/>).</summary>
public interface ISaleAdministration
{
    Task<AdminActionResult> CreateAsync(CreateSaleRequest request, CancellationToken ct);

    /// <summary>
    /// A partial update: only the fields the admin changed are set, and only while <paramref name="expected"/> holds of the
    /// sale as the write reads it (otherwise the reason is <see cref="SaleRefusal.ChangedReason"/> and nothing is written).
    /// </summary>
    Task<AdminActionResult> UpdateAsync(Guid saleId, UpdateSaleRequest edit, Func<Sale, bool> expected, CancellationToken ct);

    Task<AdminActionResult> EndAsync(Guid saleId, CancellationToken ct);

    Task<AdminActionResult> DeleteAsync(Guid saleId, CancellationToken ct);
}

/// <summary>
/// What the page tells the admin. On a refusal, <see cref="Reason"/> is the admin API's stable reason
/// (sale_not_upcoming, sale_has_orders, …) and <see cref="Status"/> its HTTP status. <see cref="SaleId"/> is the sale
/// changed, or on a <c>sku_taken</c> refusal the sale that holds the SKU (null if it could not be read).
/// </summary>
public sealed record AdminActionResult(bool Succeeded, string Message, Guid? SaleId = null,
    IDictionary<string, string[]>? Errors = null, string? Reason = null, int Status = StatusCodes.Status200OK)
{
    /// <summary>The sale's product name, on success: the dashboard's message after End or Delete names it.</summary>
    public string? ProductName { get; init; }

    /// <summary>The sale's SKU, on success, as <see cref="ProductName"/>.</summary>
    public string? Sku { get; init; }

    public static AdminActionResult Ok(string message, Guid? saleId = null) => new(true, message, saleId);

    public static AdminActionResult Failed(string message, IDictionary<string, string[]>? errors = null) =>
        new(false, message, null, errors, Common.Reasons.ValidationFailed, StatusCodes.Status400BadRequest);
}
