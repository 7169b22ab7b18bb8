using System.Globalization;
using FlashSale.Admin;
using FlashSale.Common;
using FlashSale.Sales;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using static FlashSale.Web.Html;

namespace FlashSale.Web;

/// <summary>Create, edit, end and delete a sale from the dashboard: plain form posts, redirect after success.</summary>
public static class AdminSaleForms
{
    public static RouteGroupBuilder MapSaleForms(this RouteGroupBuilder admin)
    {
        admin.MapGet("/sales/new", (HttpContext c, TimeProvider clock) => Layout.Page(c, "New sale", SaleForm(c, null, Defaults(clock), null)));
        admin.MapPost("/sales", Create);
        admin.MapGet("/sales/{id}/edit", Edit);
        admin.MapPost("/sales/{id}/edit", Update);
        admin.MapPost("/sales/{id}/end", End).WithMetadata(new RequireAntiforgeryTokenAttribute());
        admin.MapPost("/sales/{id}/delete", Delete).WithMetadata(new RequireAntiforgeryTokenAttribute());
        return admin;
    }

    internal static Html ActionButton(HttpContext context, Sale sale, string action, string label, bool enabled) => enabled
        ? H($"""
            <form method="post" action="/admin/sales/{sale.Id}/{action}" class="inline">
              {Layout.Antiforgery(context)}
              <button type="submit" class="link {(action == "delete" ? "danger" : "")}">{label}<span class="sr-only"> {sale.ProductName}</span></button>
            </form>
            """)
        : Html.Empty;

    private static SaleFormValues Defaults(TimeProvider clock)
    {
        var start = clock.GetUtcNow().AddMinutes(5);
        return new SaleFormValues(null, null, null, "99.00", "USD", null, "100", "1",
            Format.Local(start), Format.Local(start.AddDays(1)));
    }

    private static async Task<Results<RedirectHttpResult, ContentHttpResult>> Create([FromForm] SaleFormValues form,
        HttpContext context, ISaleAdministration admin, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var request = new CreateSaleRequest(form.Sku ?? "", form.ProductName ?? "", Decimal(form.Price, "price", errors),
            Int(form.TotalStock, "totalStock", errors), Time(form.StartsAt, "startsAt", errors), Time(form.EndsAt, "endsAt", errors),
            Blank(form.Description), Blank(form.Currency), Blank(form.ImageUrl), Int(form.PerUserLimit, "perUserLimit", errors));
        var result = errors.Count > 0 ? AdminActionResult.Failed("Please correct the highlighted fields.", errors)
            : await admin.CreateAsync(request, ct);
        if (!result.Succeeded)
        {
            return Layout.Page(context, "New sale", SaleForm(context, null, form, result), Flash.Error(result.Message), 400);
        }

        return TypedResults.LocalRedirect($"/admin/sales/{result.SaleId}?m=created");
    }

    private static async Task<Results<ContentHttpResult, NotFound<string>>> Edit(string id, HttpContext context, ISaleStore sales,
        CancellationToken ct)
    {
        var sale = await SalesApi.FindAsync(id, sales, ct);
        if (sale is null)
        {
            return TypedResults.NotFound("No sale has this id.");
        }

        var values = new SaleFormValues(sale.Sku, sale.ProductName, sale.Description,
            sale.Price.ToString("0.00", CultureInfo.InvariantCulture), sale.Currency, sale.ImageUrl,
            sale.TotalStock.ToString(CultureInfo.InvariantCulture), sale.PerUserLimit.ToString(CultureInfo.InvariantCulture),
            Format.Local(sale.StartsAt), Format.Local(sale.EndsAt));
        return Layout.Page(context, $"Edit {sale.ProductName}", SaleForm(context, sale, values, null));
    }

    private static async Task<Results<RedirectHttpResult, ContentHttpResult>> Update(string id, [FromForm] SaleFormValues form,
        HttpContext context, ISaleAdministration admin, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var edit = new SaleEdit(form.ProductName ?? "", Blank(form.Description), Decimal(form.Price, "price", errors), Blank(form.ImageUrl),
            Int(form.TotalStock, "totalStock", errors), Int(form.PerUserLimit, "perUserLimit", errors),
            Time(form.StartsAt, "startsAt", errors), Time(form.EndsAt, "endsAt", errors));
        var result = !RouteIds.TryParse(id, out var saleId) ? AdminActionResult.Failed("No sale has this id.")
            : errors.Count > 0 ? AdminActionResult.Failed("Please correct the highlighted fields.", errors)
            : await admin.UpdateAsync(saleId, edit, ct);
        return result.Succeeded
            ? TypedResults.LocalRedirect($"/admin/sales/{saleId}")
            : Layout.Page(context, "Edit sale", SaleForm(context, null, form with { Sku = null }, result, saleId), Flash.Error(result.Message), 409);
    }

    private static Task<Results<RedirectHttpResult, ContentHttpResult>> End(string id, HttpContext context,
        ISaleAdministration admin, CancellationToken ct) => Act(id, context, admin.EndAsync, ct);

    private static Task<Results<RedirectHttpResult, ContentHttpResult>> Delete(string id, HttpContext context,
        ISaleAdministration admin, CancellationToken ct) => Act(id, context, admin.DeleteAsync, ct);

    private static async Task<Results<RedirectHttpResult, ContentHttpResult>> Act(string id, HttpContext context,
        Func<Guid, CancellationToken, Task<AdminActionResult>> action, CancellationToken ct)
    {
        var result = RouteIds.TryParse(id, out var saleId) ? await action(saleId, ct) : AdminActionResult.Failed("No sale has this id.");
        if (result.Succeeded)
        {
            return TypedResults.LocalRedirect("/admin");
        }

        var main = H($"""<h1>Nothing changed</h1><p>{result.Message}</p><p><a class="button" href="/admin">Back to the dashboard</a></p>""");
        return Layout.Page(context, "Nothing changed", main, Flash.Error(result.Message), 409);
    }

    private static Html SaleForm(HttpContext context, Sale? editing, SaleFormValues v, AdminActionResult? result, Guid? saleId = null)
    {
        var errors = result?.Errors ?? new Dictionary<string, string[]>();
        var id = editing?.Id ?? saleId;
        Html Field(string name, string label, string? value, string type = "text", string extra = "")
        {
            var error = errors.TryGetValue(name, out var e) ? string.Join(" ", e) : null;
            return H($"""
                <div class="field{(error is null ? "" : " invalid")}">
                  <label for="f-{name}">{label}</label>
                  <input id="f-{name}" name="{name}" type="{type}" value="{value ?? ""}"{Raw(extra)}{(error is null ? Html.Empty : H($" aria-invalid=\"true\" aria-describedby=\"e-{name}\""))}>
                  {When(error is not null, H($"""<p class="field-error" id="e-{name}">{label} {error}</p>"""))}
                </div>
                """);
        }

        var action = id is null ? "/admin/sales" : $"/admin/sales/{id}/edit";
        return H($"""
            <p><a href="/admin">← Dashboard</a></p>
            <h1>{(id is null ? "New sale" : "Edit sale")}</h1>
            <form method="post" action="{action}" class="sale-form" novalidate>
              {Layout.Antiforgery(context)}
              {(id is null ? Field("sku", "SKU", v.Sku, extra: " required maxlength=\"64\"") : H($"""<input type="hidden" name="sku" value="{v.Sku ?? ""}">"""))}
              {Field("productName", "Product name", v.ProductName, extra: " required maxlength=\"200\"")}
              <div class="field wide">
                <label for="f-description">Description</label>
                <textarea id="f-description" name="description" rows="3" maxlength="4000">{v.Description ?? ""}</textarea>
              </div>
              {Field("price", "Price", v.Price, "number", " step=\"0.01\" min=\"0\" required")}
              {Field("currency", "Currency", v.Currency, extra: " maxlength=\"3\" pattern=\"[A-Z]{3}\"")}
              {Field("totalStock", "Stock", v.TotalStock, "number", " min=\"1\" required")}
              {Field("perUserLimit", "Limit per buyer", v.PerUserLimit, "number", " min=\"1\" max=\"1000\"")}
              {Field("startsAt", "Starts (UTC)", v.StartsAt, "datetime-local", " required")}
              {Field("endsAt", "Ends (UTC)", v.EndsAt, "datetime-local", " required")}
              {Field("imageUrl", "Image URL", v.ImageUrl, extra: " placeholder=\"/images/product.svg\"")}
              <div class="field wide"><button type="submit" class="button primary">{(id is null ? "Create sale" : "Save changes")}</button></div>
            </form>
            """);
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static decimal Decimal(string? value, string field, Dictionary<string, string[]> errors)
    {
        if (decimal.TryParse(value, NumberStyles.Number, CultureInfo.InvariantCulture, out var result))
        {
            return result;
        }

        errors[field] = ["must be a number such as 19.99."];
        return 0;
    }

    private static int Int(string? value, string field, Dictionary<string, string[]> errors)
    {
        if (int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var result))
        {
            return result;
        }

        errors[field] = ["must be a whole number."];
        return 0;
    }

    private static DateTimeOffset Time(string? value, string field, Dictionary<string, string[]> errors)
    {
        if (DateTime.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var at))
        {
            return new DateTimeOffset(DateTime.SpecifyKind(at, DateTimeKind.Utc));
        }

        errors[field] = ["must be a date and time."];
        return default;
    }
}

/// <summary>The sale form as posted: strings, so a typo is a field error, not a binding failure.</summary>
public sealed record SaleFormValues(string? Sku, string? ProductName, string? Description, string? Price, string? Currency,
    string? ImageUrl, string? TotalStock, string? PerUserLimit, string? StartsAt, string? EndsAt);
