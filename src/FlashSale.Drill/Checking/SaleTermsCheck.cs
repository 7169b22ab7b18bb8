namespace FlashSale.Drill.Checking;

/// <summary>
/// G1/G2 are judged against the terms the drill asked for; this check fails when the server keeps others (a sale
/// stored with another per-user limit would otherwise have its buyers judged by the wrong limit).
/// </summary>
internal static class SaleTermsCheck
{
    public static Verdict Run(CheckContext c)
    {
        var violations = new List<string>();
        foreach (var s in c.Sales.Select(e => e.Sale).Where(s => s.CreatedByDrill))
        {
            violations.AddRange(s.Served.Where(t => t.TotalStock != s.TotalStock || t.PerUserLimit != s.PerUserLimit)
                .Select(t => $"sale {CheckContext.Short(s.SaleId)}: {t.Source} has totalStock {t.TotalStock}, perUserLimit " +
                             $"{t.PerUserLimit}; the drill asked for {s.TotalStock} and {s.PerUserLimit}"));
        }

        var created = c.Sales.Count(e => e.Sale.CreatedByDrill);
        return Verdict.From("sale-as-asked", "G1/G2", "Sales keep the stock and limit asked for", violations,
            created == 0 ? "no sale created by this run (--sale): its terms are the server's" : $"{created} sale(s) as created");
    }
}
