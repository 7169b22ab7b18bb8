using FlashSale.Admin;

namespace FlashSale.Web;

/// <summary>The dashboard's sale actions: <see cref="SaleAdministration"/> runs the admin API's own rules (<see cref="SaleCommands"/>).</summary>
public interface ISaleAdministration
{
    Task<AdminActionResult> CreateAsync(CreateSaleRequest request, CancellationToken ct);

    /// <summary>A partial update: only the fields the admin changed are set.</summary>
    Task<AdminActionResult> UpdateAsync(Guid saleId, UpdateSaleRequest edit, CancellationToken ct);

    Task<AdminActionResult> EndAsync(Guid saleId, CancellationToken ct);

    Task<AdminActionResult> DeleteAsync(Guid saleId, CancellationToken ct);
}

/// <summary>
/// What the page tells the admin. On a refusal, <see cref="Reason"/> is the admin API's stable reason
/// (sale_not_upcoming, sale_has_orders, …) and <see cref="Status"/> its HTTP status.
/// </summary>
public sealed record AdminActionResult(bool Succeeded, string Message, Guid? SaleId = null,
    IDictionary<string, string[]>? Errors = null, string? Reason = null, int Status = StatusCodes.Status200OK)
{
    public static AdminActionResult Ok(string message, Guid? saleId = null) => new(true, message, saleId);

    public static AdminActionResult Failed(string message, IDictionary<string, string[]>? errors = null) =>
        new(false, message, null, errors, Common.Reasons.ValidationFailed, StatusCodes.Status400BadRequest);
}
