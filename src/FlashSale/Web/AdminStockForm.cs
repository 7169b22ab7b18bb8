using System.Globalization;
using FlashSale.Admin;
using FlashSale.Common;
using FlashSale.Sales;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using static FlashSale.Web.Html;

namespace FlashSale.Web;

/// <summary>
/// "Add units" on a sale's admin page: the shop finds more units while the sale sells (or after it sold out) and adds
/// them in one step, where the edit form needed the new total worked out by hand. The form posts the stock it was drawn
/// with, and the write takes it only while the sale still has that stock (the admins' lock, as the edit form's version):
/// a second click, a resent form or another admin's change meanwhile adds nothing twice, and says what the stock is now.
/// The rules are the edit's (<see cref="SaleCommands"/>): until the sale ends, whether or not it has orders.
/// </summary>
public static class AdminStockForm
{
    /// <summary>The message code of the sale page after units were added.</summary>
    internal const string Added = "units_added";

    public static RouteGroupBuilder MapStockForm(this RouteGroupBuilder admin)
    {
        admin.MapPost("/sales/{id}/add-units", AddUnits).RequireAntiforgery().MayHaveWrittenOnStoreFailure(ApiDocs.SaleChangeUnfinished);
        return admin;
    }

    /// <summary>The form, while the sale has not ended (an ended sale's stock no longer changes).</summary>
    public static Html Form(HttpContext context, SaleRow row) => row.Status == SaleStatus.Ended ? Html.Empty : H($"""
        <form method="post" action="/admin/sales/{row.Sale.Id}/add-units" class="add-units" data-action="add-units">
          {Layout.Antiforgery(context)}
          <input type="hidden" name="total" value="{row.Sale.TotalStock.ToString(CultureInfo.InvariantCulture)}">
          <label for="add-units">Add units</label>
          <input id="add-units" name="units" type="text" inputmode="numeric" autocomplete="off" size="7" required aria-describedby="add-units-hint">
          <button type="submit" class="button small">Add to the stock</button>
          <p class="muted small" id="add-units-hint">Adds to the stock of {Format.Number(row.Sale.TotalStock)} as this page shows it.</p>
        </form>
        """);

    private static async Task<Results<RedirectHttpResult, ContentHttpResult, ProblemHttpResult>> AddUnits(string id,
        [FromForm] AddUnitsValues? posted, HttpContext context, ISaleStore sales, ISaleAdministration admin, CancellationToken ct)
    {
        if (!RouteIds.TryParse(id, out var saleId))
        {
            return ApiProblem.SaleNotFound();
        }

        var back = $"/admin/sales/{saleId}";
        if (!WholeNumber(posted?.Units, out var units) || units is < 1 or > CreateSaleRequest.MaxStock)
        {
            return Refused(context, back, StatusCodes.Status400BadRequest, Reasons.ValidationFailed,
                $"Units to add must be a whole number from 1 to {Format.Number(CreateSaleRequest.MaxStock)}.");
        }

        if (!WholeNumber(posted?.Total, out var seen))
        {
            return Refused(context, back, StatusCodes.Status400BadRequest, Reasons.ValidationFailed,
                "The form did not say which stock it adds to: open the sale's page again.");
        }

        if ((long)seen + units > CreateSaleRequest.MaxStock)
        {
            return Refused(context, back, StatusCodes.Status400BadRequest, Reasons.ValidationFailed,
                $"That would make the stock {Format.Number((long)seen + units)}: a sale holds at most {Format.Number(CreateSaleRequest.MaxStock)} units.");
        }

        var result = await admin.UpdateAsync(saleId, new UpdateSaleRequest(TotalStock: seen + units), s => s.TotalStock == seen, ct);
        if (result.Succeeded)
        {
            return TypedResults.LocalRedirect($"{back}?m={Added}");
        }

        if (result.Reason == SaleRefusal.ChangedReason)
        {
            var now = await sales.FindLatestAsync(saleId, ct);
            return now is null ? ApiProblem.SaleNotFound() : Refused(context, back, StatusCodes.Status409Conflict, result.Reason,
                $"The stock changed since the page was shown: it is {Format.Number(now.TotalStock)} now, not {Format.Number(seen)}. " +
                "Nothing was added (a second click or a resent form adds nothing twice); add again what is still missing.");
        }

        return result.Status == StatusCodes.Status404NotFound ? ApiProblem.SaleNotFound() : AdminSaleForms.Refused(context, result, back);
    }

    private static ContentHttpResult Refused(HttpContext context, string back, int status, string reason, string message) =>
        Layout.Refusal(context, "Nothing changed", message, reason, status, back, "Back to the sale");

    /// <summary>Digits only, surrounding spaces allowed: no sign, no separators, no decimals (a stock is counted in units).</summary>
    private static bool WholeNumber(string? text, out int value) =>
        int.TryParse(text?.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out value);
}

/// <summary>The add-units form's fields, as posted (read by <see cref="AdminStockForm"/>, which says what is wrong with them).</summary>
public sealed record AddUnitsValues
{
    /// <summary>How many units to add.</summary>
    public string? Units { get; init; }

    /// <summary>The stock the page showed, which the addition is to.</summary>
    public string? Total { get; init; }
}
