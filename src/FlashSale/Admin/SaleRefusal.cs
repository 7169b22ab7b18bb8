using FlashSale.Common;
using FlashSale.Purchasing;
using FlashSale.Sales;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FlashSale.Admin;

/// <summary>
/// Why a sale command changed nothing: an HTTP status, the stable <c>reason</c>, a title a person can read
/// and, for validation, the field errors. The admin API answers it as ProblemDetails, the dashboard as a message.
/// </summary>
public sealed record SaleRefusal(int Status, string Reason, string Title, string? Detail = null,
    IDictionary<string, string[]>? Errors = null, Guid? SaleId = null, DateTimeOffset? StartsAt = null, DateTimeOffset? EndsAt = null, int? Sold = null)
{
    public static SaleRefusal Invalid(IDictionary<string, string[]> errors) =>
        new(StatusCodes.Status400BadRequest, Reasons.ValidationFailed, "The request is not valid.", "See 'errors' for each field.", errors);

    public static SaleRefusal NotFound() => new(StatusCodes.Status404NotFound, Reasons.SaleNotFound, ApiProblem.NoSuchSale);

    /// <summary>
    /// With the id of the sale that has the SKU, when it could be read: a create retried after a lost answer (a 503 that
    /// says the change may have been made) finds the sale it made here, without listing every sale to look for it.
    /// </summary>
    public static SaleRefusal SkuTaken(Sale? holder) => new(StatusCodes.Status409Conflict, Reasons.SkuTaken, "A sale with this SKU exists.",
        holder is null ? null : $"Sale {holder.Id:D} has it.", SaleId: holder?.Id);

    /// <summary>
    /// The reason of <see cref="Changed"/>. Not among <see cref="Reasons"/>, which the API documents: only the dashboard's
    /// edit form says which sale it was typed over (its version), so the API never answers it.
    /// </summary>
    public const string ChangedReason = "sale_changed";

    /// <summary>An update made against the sale as it was before another change (<see cref="SaleCommands.UpdateAsync(Guid, UpdateSaleRequest, Func{Sale, bool}?, CancellationToken)"/>).</summary>
    public static SaleRefusal Changed() => new(StatusCodes.Status409Conflict, ChangedReason, "The sale was changed since this edit was made; nothing was saved.");

    public static SaleRefusal HasOrders(string title) => new(StatusCodes.Status409Conflict, Reasons.SaleHasOrders, title);

    /// <summary>
    /// The time as a purchase's window refusals give it: in <c>startsAt</c>, and in the detail to the second in UTC (until
    /// 2026-12-07 the detail alone, as "2026-12-07T12:06:20.0000000+00:00").
    /// </summary>
    public static SaleRefusal NotUpcoming(DateTimeOffset startedAt) => new(StatusCodes.Status409Conflict, Reasons.SaleNotUpcoming,
        "The limit per buyer and the start can change only before the sale starts.",
        $"The sale started at {PurchaseOutcome.Rejected.Utc(startedAt)}.", StartsAt: startedAt);

    /// <summary>
    /// A started sale's stock lowered below the units sold or being sold (a decision not yet committed counts): what is
    /// sold stays sold, so the stock can go down to <paramref name="sold"/> and no further, which <c>sold</c> says. Null
    /// when the ledger's count allowed the stock and the order record's did not: the two disagree (G4), which the drift
    /// check shows.
    /// </summary>
    public static SaleRefusal StockBelowSold(int? sold) => new(StatusCodes.Status409Conflict, Reasons.StockBelowSold,
        "The stock cannot go below the units already sold.",
        sold is { } n
            ? $"{n.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)} units are sold or being sold: the stock can go down to that, no lower."
            : "The order record holds more confirmed units than that, more than the purchase ledger counts: check the ledger (GET /api/v1/admin/reconcile).",
        Sold: sold);

    /// <summary>As <see cref="NotUpcoming"/>, in <c>endsAt</c>.</summary>
    public static SaleRefusal Ended(DateTimeOffset endedAt) => new(StatusCodes.Status409Conflict, Reasons.SaleEnded,
        "The sale has already ended.", $"The sale ended at {PurchaseOutcome.Rejected.Utc(endedAt)}.", EndsAt: endedAt);

    public ProblemHttpResult ToProblem()
    {
        if (Errors is not null)
        {
            return ApiProblem.Validation(Errors);
        }

        var problem = ApiProblem.Create(Status, Reason, Title, Detail);
        if (SaleId is { } saleId)
        {
            problem.ProblemDetails.Extensions["saleId"] = saleId.ToString("D");
        }

        if (Sold is { } sold)
        {
            problem.ProblemDetails.Extensions["sold"] = sold;
        }

        return PurchaseResults.At(PurchaseResults.At(problem, "startsAt", StartsAt), "endsAt", EndsAt);
    }
}
