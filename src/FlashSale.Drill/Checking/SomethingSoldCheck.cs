using FlashSale.Drill.Load;

namespace FlashSale.Drill.Checking;

/// <summary>
/// A sale the drill created with stock, attempted and sold nothing, proves no invariant — and is a bug unless every
/// answer explains it: 429 rate_limited, 503 unavailable, sale_not_started, or sold_out for a
/// quantity above the whole stock, or a request cut off at an interrupt (never answered). Then the run passes with a
/// warning; otherwise it fails. An existing (<c>--sale</c>)
/// sale may be sold out or closed already: nothing sold there is only a warning.
/// </summary>
internal static class SomethingSoldCheck
{
    public static Verdict Run(CheckContext c)
    {
        var violations = new List<string>();
        var warnings = new List<string>();
        var bySale = c.Records.ToLookup(r => r.SaleId, StringComparer.Ordinal);
        var attempted = 0;
        foreach (var sale in c.Sales.Select(s => s.Sale))
        {
            var records = bySale[sale.SaleId].ToList();
            attempted += records.Count > 0 ? 1 : 0;
            if (records.Count == 0 || records.Any(r => r.IsSuccess))
            {
                continue;
            }

            var what = $"sale {CheckContext.Short(sale.SaleId)}: nothing sold of {sale.TotalStock} units to {records.Count} requests " +
                       $"({string.Join(", ", records.GroupBy(OutcomeKey.Of).Select(g => $"{g.Key} × {g.Count()}"))})";
            if (!sale.CreatedByDrill)
            {
                warnings.Add($"{what}; an existing sale, so not judged");
            }
            else if (records.All(r => Explains(r, sale)))
            {
                warnings.Add($"{what}; every answer a refusal that explains it, so the invariants were not exercised");
            }
            else
            {
                violations.Add(what);
            }
        }

        // With warnings, a sale sold nothing: the pass says how many did, not "every attempted sale sold something; 1
        // warning(s): … nothing sold" (2026-12-07).
        return Verdict.From("something-sold", "G1", "A sale with stock sells", violations,
            warnings.Count == 0 ? "every attempted sale sold something"
            : $"{attempted - warnings.Count} of {attempted} attempted sale(s) sold something; the others are warnings, not failures",
            warnings);
    }

    private static bool Explains(AttemptRecord r, SaleFacts sale) => r switch
    {
        { Status: 429 or 503 } => true,
        { IsCutOff: true } => true,
        { Status: 409, Reason: "sale_not_started" } => true,
        { Status: 409, Reason: "sold_out" } => r.Quantity > sale.TotalStock,
        _ => false,
    };
}
