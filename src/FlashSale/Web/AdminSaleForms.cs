using System.Globalization;
using FlashSale.Admin;
using FlashSale.Common;
using FlashSale.Purchasing;
using FlashSale.Sales;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using static FlashSale.Web.Html;

namespace FlashSale.Web;

/// <summary>Create, edit, end and delete a sale from the dashboard: plain form posts, redirect after success.</summary>
public static class AdminSaleForms
{
    public static RouteGroupBuilder MapSaleForms(this RouteGroupBuilder admin)
    {
        admin.MapGet("/sales/new", (HttpContext c, TimeProvider clock) => Layout.Page(c, "New sale", SaleForm(c, null, Defaults(clock), null, SaleEditState.Open)));
        admin.MapPost("/sales", Create).MayHaveWrittenOnStoreFailure(ApiDocs.SaleChangeUnfinished);
        admin.MapGet("/sales/{id}/edit", Edit);
        admin.MapPost("/sales/{id}/edit", Update).MayHaveWrittenOnStoreFailure(ApiDocs.SaleChangeUnfinished);
        admin.MapGet("/sales/{id}/end", (string id, HttpContext c, IDashboardData d, CancellationToken ct) => Confirm(id, c, d, EndAction, ct));
        admin.MapPost("/sales/{id}/end", End).RequireAntiforgery().MayHaveWrittenOnStoreFailure(ApiDocs.SaleChangeUnfinished);
        admin.MapGet("/sales/{id}/delete", (string id, HttpContext c, IDashboardData d, CancellationToken ct) => Confirm(id, c, d, DeleteAction, ct));
        admin.MapPost("/sales/{id}/delete", Delete).RequireAntiforgery().MayHaveWrittenOnStoreFailure(ApiDocs.SaleChangeUnfinished);
        return admin;
    }

    /// <summary>
    /// A link to the action's confirm page (<see cref="Confirm"/>), where its form is: one click on the dashboard is never
    /// an irreversible end or delete. Nothing when the admin API would refuse the action.
    /// </summary>
    internal static Html ActionLink(Sale sale, string action, string label, bool enabled) => enabled
        ? H($"""<span data-action="{action}"><a href="/admin/sales/{sale.Id}/{action}"{(action == "delete" ? Raw(" class=\"link danger\"") : Html.Empty)}>{label}<span class="sr-only"> {sale.ProductName}</span>…</a></span>""")
        : Html.Empty;

    private sealed record ConfirmAction(string Name, string Verb, string Button, Func<SaleRow, bool> Allowed,
        Func<SaleRow, string> Consequence, string Refusal);

    private static readonly ConfirmAction EndAction = new("end", "End", "End this sale now", r => r.CanEnd,
        r => r.Status == SaleStatus.Upcoming
            ? "Ending it now means it never opens: nobody can buy it. It cannot be undone."
            : "Ending it now closes it to buyers at once; its orders stay. It cannot be undone.",
        "This sale has ended: there is nothing to end.");

    private static readonly ConfirmAction DeleteAction = new("delete", "Delete", "Delete this sale", r => r.CanDelete,
        _ => "Deleting it removes it from the shop and the dashboard. It cannot be undone.",
        "This sale has orders (cancelled ones too): it cannot be deleted; end it instead.");

    /// <summary>End's and delete's confirm page, as the order cancel's: the sale, what the action does, then its form.</summary>
    private static async Task<Results<ContentHttpResult, ProblemHttpResult>> Confirm(string id, HttpContext context,
        IDashboardData data, ConfirmAction action, CancellationToken ct)
    {
        var row = RouteIds.TryParse(id, out var saleId) ? await data.GetRowAsync(saleId, ct) : null;
        if (row is null)
        {
            return ApiProblem.SaleNotFound();
        }

        var sale = row.Sale;
        var back = $"/admin/sales/{sale.Id}";
        var title = $"{action.Verb} a sale";
        var summary = H($"""
            <p><span class="badge {Format.StatusCode(row.Status)}">{Format.Status(row.Status)}</span>
              {Format.Number(row.Stock.Sold)} / {Format.Number(row.Stock.TotalStock)} sold,
              {Format.Utc(sale.StartsAt)} → {Format.Utc(sale.EndsAt)}.</p>
            """);
        var main = !action.Allowed(row)
            ? H($"""
                <h1>{action.Verb} {sale.ProductName}?</h1>
                {summary}
                <p>{action.Refusal}</p>
                <p><a class="button" href="{back}">Back to the sale</a></p>
                """)
            : H($"""
                <p><a href="{back}">← Back to the sale</a></p>
                <h1>{action.Verb} {sale.ProductName}?</h1>
                {summary}
                <p>{action.Consequence(row)}</p>
                <form method="post" action="/admin/sales/{sale.Id}/{action.Name}" class="inline">
                  {Layout.Antiforgery(context)}
                  <button type="submit" class="button danger">{action.Button}</button>
                </form>
                <a class="button" href="{back}">Keep it</a>
                """);
        return Layout.Page(context, title, main);
    }

    /// <summary>
    /// The new-sale form's values: only safe ones. Price and stock are empty (their examples are placeholders), so a field
    /// the admin forgot is "required", not a sale published at someone else's number: until 2026-12-07 the form came
    /// filled with 99.00 USD and a stock of 100. The limit of 1 is the cautious one; the window is shown in its fields.
    /// </summary>
    private static SaleFormValues Defaults(TimeProvider clock)
    {
        var start = clock.GetUtcNow().AddMinutes(5);
        return new SaleFormValues
        {
            Currency = "USD", PerUserLimit = "1",
            StartsAt = Format.Local(start), EndsAt = Format.Local(start.AddDays(1)),
        };
    }

    private static async Task<Results<RedirectHttpResult, ContentHttpResult>> Create([FromForm] SaleFormValues? posted,
        HttpContext context, ISaleAdministration admin, TimeProvider clock, IWebHostEnvironment web, CancellationToken ct)
    {
        var form = posted ?? new SaleFormValues();
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var request = new CreateSaleRequest(form.Sku ?? "", form.ProductName ?? "", Decimal(form.Price, "price", errors),
            Int(form.TotalStock, "totalStock", errors), Time(form.StartsAt, "startsAt", errors), Time(form.EndsAt, "endsAt", errors),
            Blank(form.Description), Code(form.Currency), Blank(form.ImageUrl), Int(form.PerUserLimit, "perUserLimit", errors));
        var result = errors.Count > 0 || web.WebRootFileProvider.HasNoFile(request.ImageUrl)
            ? Refused(errors, request, web)
            : await admin.CreateAsync(request, ct);
        if (!result.Succeeded)
        {
            return Layout.Page(context, Layout.ErrorTitle("New sale"), SaleForm(context, null, form, result, SaleEditState.Open), RefusedFlash(result), result.Status);
        }

        // A window already over is allowed (the API creates such sales too) but is no sale on the shop: the message says
        // so, where until 2026-12-07 it said "It is on the shop page now" of a sale already ended.
        var code = request.EndsAt <= clock.GetUtcNow() ? AdminPages.CreatedEnded : "created";
        return TypedResults.LocalRedirect($"/admin/sales/{result.SaleId}?m={code}");
    }

    private static async Task<Results<ContentHttpResult, ProblemHttpResult>> Edit(string id, HttpContext context, ISaleStore sales,
        IPurchaseLedger ledger, TimeProvider clock, CancellationToken ct)
    {
        // Drawn from the record's latest, the version the save compares with (SaleFormVersion): a kept copy a write on
        // another instance had outdated would make the form stale from the start.
        var sale = RouteIds.TryParse(id, out var saleId) ? await sales.FindLatestAsync(saleId, ct) : null;
        return sale is null
            ? ApiProblem.SaleNotFound()
            : Layout.Page(context, $"Edit {sale.ProductName}",
                SaleForm(context, sale, SaleFormValues.From(sale), null, await SaleEditStates.OfAsync(sale, ledger, clock, ct)));
    }

    /// <summary>
    /// Sends only the fields the admin changed, as a PATCH would: an untouched window is no change to the window. A form
    /// drawn from values that have changed since (another tab's or admin's save: <see cref="SaleFormVersion"/>) saves
    /// nothing and comes back with what the admin typed, the fields that differ from the saved sale marked with the saved
    /// value, and the sale's current version, so saving again is a deliberate overwrite.
    /// </summary>
    private static async Task<Results<RedirectHttpResult, ContentHttpResult, ProblemHttpResult>> Update(string id,
        [FromForm] SaleFormValues? posted, HttpContext context, ISaleStore sales, ISaleAdministration admin, IPurchaseLedger ledger,
        TimeProvider clock, IWebHostEnvironment web, CancellationToken ct)
    {
        var form = posted ?? new SaleFormValues();
        // The latest the record holds, not the instance's kept copy: the version is compared with what the save would change.
        var sale = RouteIds.TryParse(id, out var saleId) ? await sales.FindLatestAsync(saleId, ct) : null;
        if (sale is null)
        {
            return ApiProblem.SaleNotFound();
        }

        // Stale already as read: answered at once, before the typed values' errors. The check that decides is the write's own
        // (Unchanged, below).
        if (SaleFormVersion.IsStale(form.Version, sale))
        {
            return await StalePageAsync(context, form, sale, ledger, clock, ct);
        }

        var was = SaleFormValues.From(sale);

        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        // A field is sent only when it differs from the saved sale, read as the stale check reads it (Value: trimmed, line
        // breaks as stored, the currency's code): an untouched multi-line description, posted with CRLF, is no change.
        bool Edits(string field) => Differs(field, form, was);
        string? Text(string field) => Edits(field) ? Value(field, form) ?? "" : null;
        var edit = new UpdateSaleRequest(
            Sku: Text("sku"),
            ProductName: Text("productName"),
            Description: Text("description"),
            Price: Edits("price") ? Decimal(form.Price, "price", errors) : null,
            Currency: Text("currency"),
            ImageUrl: Text("imageUrl"),
            TotalStock: Edits("totalStock") ? Int(form.TotalStock, "totalStock", errors) : null,
            PerUserLimit: Edits("perUserLimit") ? Int(form.PerUserLimit, "perUserLimit", errors) : null,
            StartsAt: Edits("startsAt") ? Time(form.StartsAt, "startsAt", errors) : null,
            EndsAt: Edits("endsAt") ? Time(form.EndsAt, "endsAt", errors) : null);
        // Only an image being set is checked for its file: a stored one a later deploy removed does not block other edits.
        var result = errors.Count > 0 || web.WebRootFileProvider.HasNoFile(edit.ImageUrl)
            ? Refused(errors, edit.MergeInto(sale), edit.ImageUrl is null ? null : web)
            : await admin.UpdateAsync(sale.Id, edit, Unchanged(SaleFormVersion.Of(sale)), ct);
        if (result.Reason == SaleRefusal.ChangedReason)
        {
            // Another tab's or admin's save landed between the read above and the write: drawn from the sale as it is now.
            var latest = await sales.FindLatestAsync(sale.Id, ct);
            return latest is null ? ApiProblem.SaleNotFound() : await StalePageAsync(context, form, latest, ledger, clock, ct);
        }

        if (result.Succeeded)
        {
            // Said as a creation with a past window is: "Changes saved." alone read as if the sale would still run.
            var now = clock.GetUtcNow();
            var code = (edit.EndsAt ?? sale.EndsAt) <= now && sale.EndsAt > now ? AdminPages.SavedEnded : "saved";
            return TypedResults.LocalRedirect($"/admin/sales/{sale.Id}?m={code}");
        }

        var state = await SaleEditStates.OfAsync(sale, ledger, clock, ct);
        return Layout.Page(context, Layout.ErrorTitle($"Edit {sale.ProductName}"),
            SaleForm(context, sale, state.Shown(form, was), result, state), RefusedFlash(result), result.Status);
    }

    /// <summary>
    /// Whether the sale the write reads under the admins' lock is still the one this save was worked out against (the
    /// fields it sends are those that differ from that one). Compared before the lock only, a save landing in between was
    /// written over (until 2026-12-07).
    /// </summary>
    private static Func<Sale, bool> Unchanged(string version) => now => !SaleFormVersion.IsStale(version, now);

    /// <summary>A stale form (<see cref="SaleFormVersion"/>): nothing saved, the differing fields named with the saved values.</summary>
    private static async Task<ContentHttpResult> StalePageAsync(HttpContext context, SaleFormValues form, Sale sale,
        IPurchaseLedger ledger, TimeProvider clock, CancellationToken ct)
    {
        var was = SaleFormValues.From(sale);
        var now = await SaleEditStates.OfAsync(sale, ledger, clock, ct);
        var shown = now.Shown(form, was);
        var differing = FieldOrder.Where(f => Differs(f, shown, was)).ToList();
        var message = StaleFormMessage + (differing.Count == 0 ? "" : " Differs from the saved sale: " + string.Join(", ", differing.Select(Label)) + ".");
        var stale = new AdminActionResult(false, message, Reason: SaleRefusal.ChangedReason, Status: StatusCodes.Status409Conflict);
        return Layout.Page(context, Layout.ErrorTitle($"Edit {sale.ProductName}"),
            SaleForm(context, sale, shown, stale, now, differing.ToDictionary(f => f, f => Value(f, was) ?? "")), Flash.Warn(message),
            StatusCodes.Status409Conflict);
    }

    /// <summary>
    /// A form with a number or time that cannot be read, refused with every error at once: the unreadable fields' own,
    /// and the request's validation run with placeholders in their place (what <see cref="Decimal"/>, <see cref="Int"/> and
    /// <see cref="Time"/> return). A placeholder's own rules give way to its field's "cannot be read". The window's rule
    /// (endsAt after startsAt, endsAt's only one) never speaks for a placeholder: an unreadable end has its own error
    /// instead, and an unreadable start is the earliest time there is, so no end is before it. Until 2026-12-06 the
    /// unreadable fields were all the page showed, and the other errors came only on the next submit. With
    /// <paramref name="web"/>, a site image path without a file is one of the errors (<see cref="SiteImages"/>): the
    /// service's own validation cannot see the web root.
    /// </summary>
    private static AdminActionResult Refused(Dictionary<string, string[]> unreadable, CreateSaleRequest withPlaceholders, IWebHostEnvironment? web)
    {
        var errors = new Dictionary<string, string[]>(withPlaceholders.Validate(web?.WebRootFileProvider).Errors, StringComparer.Ordinal);
        foreach (var (field, error) in unreadable)
        {
            errors[field] = error;
        }

        return AdminActionResult.Failed("Please correct the highlighted fields.", errors);
    }

    private static Task<Results<RedirectHttpResult, ContentHttpResult>> End(string id, HttpContext context,
        ISaleAdministration admin, CancellationToken ct) => Act(id, context, admin.EndAsync, "ended", ct);

    private static Task<Results<RedirectHttpResult, ContentHttpResult>> Delete(string id, HttpContext context,
        ISaleAdministration admin, CancellationToken ct) => Act(id, context, admin.DeleteAsync, "deleted", ct);

    private static async Task<Results<RedirectHttpResult, ContentHttpResult>> Act(string id, HttpContext context,
        Func<Guid, CancellationToken, Task<AdminActionResult>> action, string done, CancellationToken ct)
    {
        var result = RouteIds.TryParse(id, out var saleId) ? await action(saleId, ct)
            : new AdminActionResult(false, ApiProblem.NoSuchSale, Reason: Reasons.SaleNotFound, Status: StatusCodes.Status404NotFound);
        return result.Succeeded ? TypedResults.LocalRedirect(DoneAddress(done, result)) : Refused(context, result);
    }

    /// <summary>
    /// The dashboard after End or Delete, with the sale's name and SKU (<see cref="DoneFlash"/>): "Sale deleted." alone did
    /// not say which, and after a delete the dashboard no longer shows it.
    /// </summary>
    internal static string DoneAddress(string done, AdminActionResult result) =>
        $"/admin?m={done}"
        + (result.ProductName is { } name ? "&name=" + Uri.EscapeDataString(name) : "")
        + (result.Sku is { } sku ? "&sku=" + Uri.EscapeDataString(sku) : "");

    /// <summary>
    /// The dashboard's message after End or Delete naming the sale (<see cref="DoneAddress"/>), or null for any other code
    /// (the dashboard's own <c>AdminPages.AdminFlash</c> then). The name and SKU come from the address, so they are only
    /// text, HTML-encoded where the message is drawn (Flash.Body), and cut to the lengths a sale's may have.
    /// </summary>
    internal static Flash? DoneFlash(string? code, string? name, string? sku)
    {
        if (code is not ("ended" or "deleted") || string.IsNullOrWhiteSpace(name))
        {
            return null;
        }

        var sale = $"“{Cut(name, 200)}”" + (string.IsNullOrWhiteSpace(sku) ? "" : $" ({Cut(sku, 64)})");
        return Flash.Ok(code == "ended" ? $"Sale {sale} ended: nobody can buy it any more." : $"Sale {sale} deleted.");

        static string Cut(string text, int max) => text.Length <= max ? text : text[..max] + "…";
    }

    /// <summary>An admin action refused: <see cref="Layout.Refusal"/> with the admin API's reason.</summary>
    internal static ContentHttpResult Refused(HttpContext context, AdminActionResult result, string back = "/admin") =>
        Layout.Refusal(context, "Nothing changed", result.Message, result.Reason, result.Status, back, "Back");

    /// <summary>
    /// The create or edit form. Editing, the fields <paramref name="state"/> fixes are read-only (still posted, unchanged,
    /// so no change) and the note above says why, the form's description (a screen reader met read-only fields and no
    /// save button without a word why until 2026-12-07); an ended sale with orders has no save button (until 2026-12-07
    /// any sale with orders, whose stock and end can now change until it ends). The heading names the sale.
    /// On a stale form (<see cref="SaleFormVersion"/>), <c>saved</c> holds the fields whose typed value differs from the
    /// saved sale's, each with the saved value, said under the field.
    /// </summary>
    private static Html SaleForm(HttpContext context, Sale? editing, SaleFormValues v, AdminActionResult? result, SaleEditState state,
        IReadOnlyDictionary<string, string>? saved = null)
    {
        var errors = result?.Errors ?? new Dictionary<string, string[]>();
        saved ??= new Dictionary<string, string>();
        var id = editing?.Id;
        // The first field in error takes the focus when the refused form is drawn (autofocus: no script needed), so a
        // keyboard or screen reader user starts at what to fix, its error read with it (aria-describedby).
        var first = FieldOrder.FirstOrDefault(errors.ContainsKey);
        Html Focus(string name) => When(name == first, H($" autofocus"));
        // hint: the format the field takes, said before an error does (until 2026-12-07 it was learnt from the refusal);
        // an error and the hint both describe the field, the error first.
        Html Field(string name, string label, string? value, string type = "text", string extra = "", string? hint = null)
        {
            var error = errors.TryGetValue(name, out var e) ? string.Join(" ", e) : null;
            var now = saved.TryGetValue(name, out var s) ? s : null;
            var described = string.Join(' ', new[] { error is null ? null : "e-" + name, now is null ? null : "s-" + name, hint is null ? null : "h-" + name }.OfType<string>());
            return H($"""
                <div class="field{(error is null ? "" : " invalid")}">
                  <label for="f-{name}">{label}</label>
                  <input id="f-{name}" name="{name}" type="{type}" value="{value ?? ""}"{Raw(extra)}{When(state.Fixes(name), H($" readonly"))}{When(error is not null, H($" aria-invalid=\"true\""))}{When(described.Length > 0, H($" aria-describedby=\"{described}\""))}{Focus(name)}>
                  {When(hint is not null, H($"""<p class="field-hint muted small" id="h-{name}">{hint}</p>"""))}
                  {When(error is not null, H($"""<p class="field-error" id="e-{name}">{label} {error}{(name == "sku" ? SkuHolder(result) : Html.Empty)}</p>"""))}
                  {(now is null ? Html.Empty : SavedValue(name, now))}
                </div>
                """);
        }

        // Text with a decimal keypad, not type=number: a browser empties a number field it cannot read ("12,50"), so the
        // admin read "Price is required" under an empty field instead of what was wrong with what they typed.
        // Examples are placeholders, never values (a forgotten field was published at the example until 2026-12-07).
        var price = Field("price", "Price", v.Price, "text", " inputmode=\"decimal\" required placeholder=\"19.99\"",
            "A number such as 19.99: a point for decimals, no thousands separator.");
        var action = id is null ? "/admin/sales" : $"/admin/sales/{id}/edit";
        return H($"""
            <p><a href="/admin">← Dashboard</a></p>
            <h1 id="sale-form-h">{(editing is null ? "New sale" : $"Edit {editing.ProductName}")}</h1>
            {When(id is not null, H($"""<p class="muted" id="edit-note">{state.Note()}</p>"""))}
            <form method="post" action="{action}" class="sale-form" novalidate aria-labelledby="sale-form-h"{When(id is not null, H($" aria-describedby=\"edit-note\""))}>
              {Layout.Antiforgery(context)}
              {When(editing is not null, H($"""<input type="hidden" name="{SaleFormVersion.Field}" value="{(editing is null ? "" : SaleFormVersion.Of(editing))}">"""))}
              {Field("sku", "SKU", v.Sku, extra: " required maxlength=\"64\" placeholder=\"PHONE-15-256\"", hint: "Up to 64 letters, digits, '-', '_' or '.'.")}
              {Field("productName", "Product name", v.ProductName, extra: " required maxlength=\"200\" placeholder=\"Phone 15, 256 GB\"")}
              {Description(v.Description, errors.TryGetValue("description", out var descriptionError) ? string.Join(" ", descriptionError) : null, state.Fixes("description"), first == "description", saved.GetValueOrDefault("description"))}
              {price}
              {Field("currency", "Currency", v.Currency, extra: " maxlength=\"3\" pattern=\"[A-Z]{3}\"", hint: "3 letters, the ISO 4217 code: USD, EUR, JPY.")}
              {Field("totalStock", "Stock", v.TotalStock, "number", " min=\"1\" required placeholder=\"500\"")}
              {Field("perUserLimit", "Limit per buyer", v.PerUserLimit, "number", " min=\"1\" max=\"1000\"")}
              {Field("startsAt", "Starts (UTC)", v.StartsAt, "datetime-local", " required")}
              {Field("endsAt", "Ends (UTC)", v.EndsAt, "datetime-local", " required")}
              {Field("imageUrl", "Image URL", v.ImageUrl, extra: " placeholder=\"https://images.example.com/phone.png\"",
                  hint: "Optional: an https address, or the path of a file on this site such as /images/iphone-15-pro.svg.")}
              <div class="field wide">{(!state.CanSave()
                  ? H($"""<a class="button" href="/admin/sales/{editing!.Id}">Back to the sale</a>""")
                  : H($"""<button type="submit" class="button primary">{(id is null ? "Create sale" : "Save changes")}</button>"""))}</div>
            </form>
            """);
    }

    /// <summary>A refused form's message: focused, unless a field in error is (the first, by <see cref="SaleForm"/>).</summary>
    private static Flash RefusedFlash(AdminActionResult result) =>
        Flash.Error(result.Message) with { TakesFocus = !FieldOrder.Any(f => result.Errors?.ContainsKey(f) == true) };

    /// <summary>The form's fields in the order it shows them: the first in error is focused.</summary>
    private static readonly string[] FieldOrder =
        ["sku", "productName", "description", "price", "currency", "totalStock", "perUserLimit", "startsAt", "endsAt", "imageUrl"];

    /// <summary>The description's textarea, with its error under it as the other fields have (a tab is still refused).</summary>
    private static Html Description(string? value, string? error, bool fixedNow, bool focus, string? saved)
    {
        var described = string.Join(' ', new[] { error is null ? null : "e-description", saved is null ? null : "s-description" }.OfType<string>());
        return H($"""
            <div class="field wide{(error is null ? "" : " invalid")}">
              <label for="f-description">Description</label>
              <textarea id="f-description" name="description" rows="3" maxlength="4000"{When(fixedNow, H($" readonly"))}{When(error is not null, H($" aria-invalid=\"true\""))}{When(described.Length > 0, H($" aria-describedby=\"{described}\""))}{When(focus, H($" autofocus"))}>{value ?? ""}</textarea>
              {When(error is not null, H($"""<p class="field-error" id="e-description">Description {error}</p>"""))}
              {When(saved is not null, SavedValue("description", saved ?? ""))}
            </div>
            """);
    }

    /// <summary>Under a field of a stale form: the value the sale has now, which saving again would replace.</summary>
    private static Html SavedValue(string name, string value) =>
        H($"""<p class="field-saved" id="s-{name}">Saved now: {(value.Length == 0 ? "(empty)" : value)}</p>""");

    /// <summary>A <c>sku_taken</c> refusal's link to the sale that has the SKU (the API's 409 carries its id).</summary>
    private static Html SkuHolder(AdminActionResult? result) =>
        result is { Reason: Reasons.SkuTaken, SaleId: { } holder }
            ? H($""" <a href="/admin/sales/{holder:D}">See the sale that has it</a>.""")
            : Html.Empty;

    /// <summary>The stale form's message (<see cref="SaleFormVersion"/>); the fields that differ follow it.</summary>
    internal const string StaleFormMessage = "This sale was changed since you opened this form — by another tab or admin. "
        + "Nothing was saved. Check the current values below; save again to apply yours.";

    /// <summary>A field's value as the form compares it: trimmed, the currency in capitals, the description's line breaks as LF.</summary>
    private static string? Value(string field, SaleFormValues v) => field switch
    {
        "sku" => v.Sku?.Trim(),
        "productName" => v.ProductName?.Trim(),
        "description" => CreateSaleRequest.NormalizeLineBreaks(v.Description)?.Trim(),
        "price" => v.Price?.Trim(),
        "currency" => Code(v.Currency),
        "imageUrl" => Blank(v.ImageUrl),
        "totalStock" => v.TotalStock?.Trim(),
        "perUserLimit" => v.PerUserLimit?.Trim(),
        "startsAt" => v.StartsAt?.Trim(),
        "endsAt" => v.EndsAt?.Trim(),
        _ => null,
    };

    private static bool Differs(string field, SaleFormValues typed, SaleFormValues saved) =>
        !string.Equals(Value(field, typed) ?? "", Value(field, saved) ?? "", StringComparison.Ordinal);

    private static string Label(string field) => field switch
    {
        "sku" => "SKU",
        "productName" => "Product name",
        "description" => "Description",
        "price" => "Price",
        "currency" => "Currency",
        "imageUrl" => "Image URL",
        "totalStock" => "Stock",
        "perUserLimit" => "Limit per buyer",
        "startsAt" => "Starts",
        "endsAt" => "Ends",
        _ => field,
    };

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    /// <summary>A currency as typed, in capitals: "usd" is USD to a person at a form (the API keeps ISO 4217's spelling).</summary>
    private static string? Code(string? value) => Blank(value)?.ToUpperInvariant();

    private static decimal Decimal(string? value, string field, Dictionary<string, string[]> errors)
    {
        // No thousands separators: "12,50" (a comma for the decimal point) was read as 1250, a price 100 times too high.
        // A browser's number field posts "12.50" whatever its language; only another client could send the comma.
        // No NUL either: .NET skips trailing ones ("5\0" read as 5).
        if (value?.Contains('\0', StringComparison.Ordinal) != true && decimal.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var result))
        {
            return result;
        }

        // Left empty (the new-sale form has no price until one is typed): required, not "not a number".
        errors[field] = [string.IsNullOrWhiteSpace(value) ? "is required." : "must be a number such as 19.99."];
        return 0;
    }

    private static int Int(string? value, string field, Dictionary<string, string[]> errors)
    {
        if (value?.Contains('\0', StringComparison.Ordinal) != true && int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var result))
        {
            return result;
        }

        errors[field] = [string.IsNullOrWhiteSpace(value) ? "is required." : "must be a whole number."];
        return 0;
    }

    private static readonly string[] LocalFormats = ["yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF"];

    private static DateTimeOffset Time(string? value, string field, Dictionary<string, string[]> errors)
    {
        // What a datetime-local field posts, and nothing else: read loosely, "01/02/2030" was January 2 (month first) to a
        // client that meant 1 February.
        if (DateTime.TryParseExact(value?.Trim(), LocalFormats, CultureInfo.InvariantCulture,
                DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var at))
        {
            return new DateTimeOffset(DateTime.SpecifyKind(at, DateTimeKind.Utc));
        }

        errors[field] = ["must be a date and time such as 2030-01-31T10:00 (UTC)."];
        // The earliest time: as a start, no end is before it (Refused).
        return default;
    }
}

/// <summary>
/// The sale form as posted: strings, so a typo is a field error, not a binding failure. Properties, not constructor
/// parameters: form binding refuses a post that lacks any constructor parameter, so a field left out is now one left
/// blank. A post with none of them binds no form at all (null).
/// </summary>
public sealed record SaleFormValues
{
    public string? Sku { get; init; }

    public string? ProductName { get; init; }

    public string? Description { get; init; }

    public string? Price { get; init; }

    public string? Currency { get; init; }

    public string? ImageUrl { get; init; }

    public string? TotalStock { get; init; }

    public string? PerUserLimit { get; init; }

    public string? StartsAt { get; init; }

    public string? EndsAt { get; init; }

    /// <summary>The edit form's version token (<see cref="SaleFormVersion"/>): which values the form was drawn from.</summary>
    public string? Version { get; init; }

    /// <summary>A sale as the form shows it (times to the minute, UTC).</summary>
    public static SaleFormValues From(Sale sale) => new()
    {
        Sku = sale.Sku,
        ProductName = sale.ProductName,
        Description = sale.Description,
        Price = sale.Price.ToString("0.00", CultureInfo.InvariantCulture),
        Currency = sale.Currency,
        ImageUrl = sale.ImageUrl,
        TotalStock = sale.TotalStock.ToString(CultureInfo.InvariantCulture),
        PerUserLimit = sale.PerUserLimit.ToString(CultureInfo.InvariantCulture),
        StartsAt = Format.Local(sale.StartsAt),
        EndsAt = Format.Local(sale.EndsAt),
    };
}
