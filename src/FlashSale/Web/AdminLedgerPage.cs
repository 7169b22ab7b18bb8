using FlashSale.Admin;
using FlashSale.Common;
using FlashSale.Purchasing;
using FlashSale.Sales;
using FlashSale.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using static FlashSale.Web.Html;

namespace FlashSale.Web;

/// <summary>
/// The drift check on the dashboard (<c>/admin/ledger</c>): every sale's units sold as the ledger counts them against the
/// order record, compared as <c>GET /api/v1/admin/reconcile</c> compares them (nothing repaired), the sales that
/// disagree listed with what a rebuild would do to each, and the repair (<c>POST /api/v1/admin/reconcile</c>'s) behind a
/// button once the admin has seen them; and the sales whose ledger holds other terms than the record's. Until 2026-12-07
/// drift could be seen and repaired through the API only.
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

    private static async Task<ContentHttpResult> Show(HttpContext context, DriftWatch watch, ISaleStore sales,
        IOptions<StorageOptions> storage, TimeProvider clock, [IgnoredWhenRepeated] string? repaired, CancellationToken ct)
    {
        var items = await watch.ReconcileAsync(repair: false, ct);
        var names = (await sales.ListAsync(ct)).ToDictionary(s => s.Id, s => s.ProductName);
        var drifting = DriftWatch.Drifting(items);
        var termsApart = items.Where(i => i.TermsDiffer).ToList();
        var busy = items.Where(i => i.Busy).ToList();
        var checkedAt = clock.GetUtcNow();
        // A busy sale was not compared: "every sale agrees" would claim what was not seen.
        var compared = items.Count - busy.Count;
        var verdict = drifting.Count > 0
            ? H($"""<p class="flash error" data-role="verdict">{drifting.Count} {(drifting.Count == 1 ? "sale’s ledger disagrees" : "sales’ ledgers disagree")} with the order record.</p>""")
            : termsApart.Count > 0
                ? H($"""<p class="flash warn" data-role="verdict">{termsApart.Count} {(termsApart.Count == 1 ? "sale’s ledger holds" : "sales’ ledgers hold")} other terms than the order record.</p>""")
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
            {When(drifting.Count > 0, Drifting(context, drifting, names, storage.Value.Mode))}
            {When(termsApart.Count > 0, TermsApart(context, termsApart, names, withButton: !drifting.Any(i => !i.RecordOverStock)))}
            {When(busy.Count > 0, H($"""<p class="muted">{busy.Count} {(busy.Count == 1 ? "sale was" : "sales were")} selling too fast to compare at one moment: <a href="/admin/ledger">check again</a> when quieter.</p>"""))}
            """);
        var title = drifting.Count == 0 && termsApart.Count == 0 ? "Ledger check" : Layout.ErrorTitle("Ledger check");
        // The repair's own count, passed over when it is not one (as a page passes over a message code it does not know).
        return Layout.Page(context, title, main, RepairedFlash(PlainNumber.TryParse(repaired, out int n) ? n : null));
    }

    /// <summary>What the button did, counted by the repair itself: a second press from a page gone stale rebuilds nothing and says so.</summary>
    private static Flash? RepairedFlash(int? repaired) => repaired switch
    {
        null or < 0 => null,
        0 => Flash.Warn("Nothing was rebuilt: no sale disagreed when the button was pressed (another admin may have rebuilt it already)."),
        1 => Flash.Ok("The ledger of 1 sale was rebuilt from the order record."),
        var n => Flash.Ok($"The ledgers of {n} sales were rebuilt from the order record."),
    };

    private static Html Drifting(HttpContext context, IReadOnlyList<SaleReconciliation> drifting, Dictionary<Guid, string> names,
        StorageMode mode)
    {
        var rows = drifting.Select(i => H($"""
            <tr>
              <td data-label="Sale"><a href="/admin/sales/{i.SaleId}">{names.GetValueOrDefault(i.SaleId, i.Sku)}</a> <span class="mono small muted">{i.Sku}</span></td>
              <td data-label="Ledger sold" class="num">{i.LedgerSold}</td>
              <td data-label="Record sold" class="num">{i.RecordSold}</td>
              <td data-label="Difference" class="num">{(i.Drift > 0 ? "+" : "")}{i.Drift}</td>
              <td data-label="A rebuild would">{Effect(i)}</td>
            </tr>
            """)).ToList();
        var causes = mode == StorageMode.Distributed
            ? "a Redis failover to a replica that lagged, or a PostgreSQL backup restored"
            : "a hand edit of the data file (flashsale.db), or an older copy of it restored";
        var repairable = drifting.Any(i => !i.RecordOverStock);
        return H($"""
            <div class="table-wrap"><table class="table responsive">
              <caption class="sr-only">Sales whose ledger and order record disagree</caption>
              <thead><tr><th scope="col">Sale</th><th scope="col" class="num">Ledger sold</th><th scope="col" class="num">Record sold</th><th scope="col" class="num">Difference</th><th scope="col">A rebuild would</th></tr></thead>
              <tbody>{rows}</tbody>
            </table></div>
            <p>Find out why first: the usual causes are {causes} (the operations guide, “Drift”). The order record is the
            system of record, and every confirmed purchase is in it: if it is right, rebuild the ledger from it. The record is
            not changed, and no order is.</p>
            {When(repairable, H($"""
                <form method="post" action="/admin/ledger/repair" class="inline">
                  {Layout.Antiforgery(context)}
                  <button type="submit" class="button danger">Rebuild the ledger from the record</button>
                </form>
                """))}
            """);
    }

    /// <summary>
    /// Sales whose ledger holds other terms than the record (an admin change stopped between its steps, or one under way as
    /// the page read them). Each server gives the ledger the record's terms by itself at its next check; the repair does now.
    /// </summary>
    private static Html TermsApart(HttpContext context, IReadOnlyList<SaleReconciliation> apart, Dictionary<Guid, string> names,
        bool withButton)
    {
        var rows = apart.Select(i => H($"""
            <li><a href="/admin/sales/{i.SaleId}">{names.GetValueOrDefault(i.SaleId, i.Sku)}</a> <span class="mono small muted">{i.Sku}</span>:
              <span class="mono small" data-role="terms-difference">{i.TermsDifference ?? ""}</span></li>
            """)).ToList();
        return H($"""
            <h2>Terms apart (ledger → record)</h2>
            <ul>{rows}</ul>
            <p>A change of a sale that stopped between its steps leaves its ledger shut, ended or cut while the order record
            says otherwise (or a change was under way as this page read them). Each server gives the ledger the record’s terms
            by itself at its next check, once no change is under way; the repair does it now.</p>
            {When(withButton, H($"""
                <form method="post" action="/admin/ledger/repair" class="inline">
                  {Layout.Antiforgery(context)}
                  <button type="submit" class="button">Give the ledger the record’s terms</button>
                </form>
                """))}
            """);
    }

    /// <summary>What rebuilding this sale's ledger from the record changes for buyers.</summary>
    private static string Effect(SaleReconciliation i) =>
        i.RecordOverStock ? $"not be done: the record holds {i.RecordSold} units of a stock of {i.TotalStock}. Cancel the orders in excess first."
        : i.Drift > 0 ? $"put {Units(i.Drift)} back on sale (no confirmed order holds {(i.Drift == 1 ? "it" : "them")})"
        : $"take {Units(-i.Drift)} off sale (confirmed orders hold {(i.Drift == -1 ? "it" : "them")})";

    private static string Units(int n) => n == 1 ? "1 unit" : $"{n} units";

    private static async Task<RedirectHttpResult> Repair(DriftWatch watch)
    {
        // As the API: carried through even if the browser leaves; a half-done repair helps nobody.
        var items = await watch.ReconcileAsync(repair: true, CancellationToken.None);
        return TypedResults.LocalRedirect($"/admin/ledger?repaired={items.Count(i => i.Repaired || i.TermsRepaired)}");
    }
}
