namespace FlashSale.Drill.Checking;

/// <summary>
/// G4: at rest sold + remaining == total, and the counters agree with the confirmed orders. On a <c>--sale</c> sale that
/// kept selling while it was read (<see cref="SaleEvidence.Moving"/>) the second is only a warning.
/// </summary>
internal static class AccountingCheck
{
    public static Verdict Run(CheckContext c)
    {
        var violations = new List<string>();
        var warnings = new List<string>();
        foreach (var s in c.Sales)
        {
            var id = CheckContext.Short(s.Sale.SaleId);
            var stock = s.Stock;
            if (stock.Sold + stock.RemainingStock != stock.TotalStock)
            {
                violations.Add($"sale {id}: sold {stock.Sold} + remaining {stock.RemainingStock} != total {stock.TotalStock}");
            }

            if (stock.TotalStock != s.Sale.TotalStock)
            {
                violations.Add($"sale {id}: stock endpoint total {stock.TotalStock} != sale total {s.Sale.TotalStock}");
            }

            var confirmed = s.Orders.Where(o => o.IsConfirmed).Sum(o => o.Quantity);
            if (confirmed != stock.Sold)
            {
                // A live --sale sale kept selling while it was read: its order list and its counters are not one moment.
                (s.Moving && !s.Sale.CreatedByDrill ? warnings : violations).Add(
                    $"sale {id}: confirmed orders hold {confirmed} units but the counter says sold {stock.Sold}" +
                    (s.Moving ? " (the sale kept selling while it was read)" : ""));
            }
        }

        var summary = string.Join("; ", c.Sales.Select(s =>
            $"{CheckContext.Short(s.Sale.SaleId)}: {s.Stock.Sold} + {s.Stock.RemainingStock} = {s.Stock.TotalStock}"));
        return Verdict.From("accounting", "G4", "sold + remaining == total", violations, summary, warnings);
    }
}
