using FlashSale.Admin;
using FlashSale.Common;
using FlashSale.Purchasing;
using FlashSale.Sales;
using Microsoft.AspNetCore.Http.HttpResults;
using static FlashSale.Web.Html;

namespace FlashSale.Web;

/// <summary>
/// The drift check on the dashboard (<c>/admin/ledger</c>): every sale's units sold as the ledger counts them against the
/// order record, compared as <c>GET /api/v1/admin/reconcile</c> compares them (nothing changed), the sales that disagree
/// listed, and the repair (<c>POST /api/v1/admin/reconcile</c>'s) behind a button once the admin has seen them. Until
/// 2026-12-07 drift could be seen and repaired through the API only.
/// </summary>
public static class AdminLedgerPage
{
    internal const string RepairUnfinished =
        "A store was unavailable partway: some sales may have been repaired. Check again, then repair again: it is safe to repeat.";

    public static RouteGroupBuilder MapLedgerPage(this RouteGroupBuilder admin)
    {
        admin.MapGet("/ledger", Show);
        admin.MapPost("/ledger/repair", Repair).RequireAntiforgery().MayHaveWrittenOnStoreFailure(RepairUnfinished);
        return admin;
    }

    private static async Task<ContentHttpResult> Show(HttpContext context, SaleCommands commands, DriftWatch watch, ISaleStore sales,
        TimeProvider clock, [IgnoredWhenRepeated] string? m, CancellationToken ct)
    {
        var items = await commands.ReconcileAsync(repair: false, ct);
        var names = (await sales.ListAsync(ct)).ToDictionary(s => s.Id, s => s.ProductName);
        var drifting = watch.Record(items);
        var busy = items.Where(i => i.Busy).ToList();
        var checkedAt = clock.GetUtcNow();
        // A busy sale was not compared: "every sale agrees" would claim what was not seen.
        var compared = items.Count - busy.Count;
        var verdict = drifting.Count > 0
            ? H($"""<p class="flash error" data-role="verdict">{drifting.Count} {(drifting.Count == 1 ? "sale’s ledger disagrees" : "sales’ ledgers disagree")} with the order record.</p>""")
            : busy.Count == 0
                ? H($"""<p class="flash ok" data-role="verdict">Every sale’s ledger agrees with the order record ({items.Count} {(items.Count == 1 ? "sale" : "sales")} checked).</p>""")
                : H($"""<p class="flash warn" data-role="verdict">No difference in the {compared} {(compared == 1 ? "sale" : "sales")} compared; {busy.Count} could not be compared.</p>""");
        var main = H($"""
            <p><a href="/admin">← Dashboard</a></p>
            <h1>Ledger check</h1>
            <p>The ledger decides purchases (the stock left and what each buyer holds); the order record keeps every confirmed
            order. They must agree on how many units each sale has sold. Checked <time datetime="{Format.Iso(checkedAt)}">{Format.Utc(checkedAt)}</time>,
            changing nothing; each server also checks by itself every few minutes.</p>
            {verdict}
            {When(drifting.Count > 0, Drifting(context, drifting, names))}
            {When(busy.Count > 0, H($"""<p class="muted">{busy.Count} {(busy.Count == 1 ? "sale was" : "sales were")} selling too fast to compare at one moment: <a href="/admin/ledger">check again</a> when quieter.</p>"""))}
            """);
        var title = drifting.Count == 0 ? "Ledger check" : Layout.ErrorTitle("Ledger check");
        return Layout.Page(context, title, main, m == "repaired" ? Flash.Ok("The ledger was rebuilt from the order record for the sales that disagreed.") : null);
    }

    private static Html Drifting(HttpContext context, IReadOnlyList<SaleReconciliation> drifting, Dictionary<Guid, string> names)
    {
        var rows = drifting.Select(i => H($"""
            <tr>
              <td data-label="Sale"><a href="/admin/sales/{i.SaleId}">{names.GetValueOrDefault(i.SaleId, i.Sku)}</a> <span class="mono small muted">{i.Sku}</span></td>
              <td data-label="Ledger sold" class="num">{i.LedgerSold}</td>
              <td data-label="Record sold" class="num">{i.RecordSold}</td>
              <td data-label="Difference" class="num">{(i.Drift > 0 ? "+" : "")}{i.Drift}</td>
            </tr>
            """)).ToList();
        return H($"""
            <div class="table-wrap"><table class="table responsive">
              <caption class="sr-only">Sales whose ledger and order record disagree</caption>
              <thead><tr><th scope="col">Sale</th><th scope="col" class="num">Ledger sold</th><th scope="col" class="num">Record sold</th><th scope="col" class="num">Difference</th></tr></thead>
              <tbody>{rows}</tbody>
            </table></div>
            <p>A positive difference: the ledger counts units no confirmed order holds (buyers are refused stock that is free). A
            negative one: confirmed orders the ledger does not count (it could sell those units again). Find out why first — a
            Redis failover to a replica that lagged, a restored backup (docs/operations.md, “Drift”). The order record is the
            system of record: if it is right, rebuild the ledger from it. The record is not changed.</p>
            <form method="post" action="/admin/ledger/repair" class="inline">
              {Layout.Antiforgery(context)}
              <button type="submit" class="button danger">Rebuild the ledger from the record</button>
            </form>
            """);
    }

    private static async Task<RedirectHttpResult> Repair(SaleCommands commands, DriftWatch watch)
    {
        // As the API: carried through even if the browser leaves; a half-done repair helps nobody.
        watch.Record(await commands.ReconcileAsync(repair: true, CancellationToken.None));
        return TypedResults.LocalRedirect("/admin/ledger?m=repaired");
    }
}
