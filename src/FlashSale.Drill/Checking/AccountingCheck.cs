namespace FlashSale.Drill.Checking;

/// <summary>G4: at rest sold + remaining == total, and the counters agree with the confirmed orders.</summary>
internal static class AccountingCheck
{
    public static Verdict Run(CheckContext c)
    {
        var violations = new List<string>();
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
                violations.Add($"sale {id}: confirmed orders hold {confirmed} units but the counter says sold {stock.Sold}");
            }
        }

        var summary = string.Join("; ", c.Sales.Select(s =>
            $"{CheckContext.Short(s.Sale.SaleId)}: {s.Stock.Sold} + {s.Stock.RemainingStock} = {s.Stock.TotalStock}"));
        return Verdict.From("accounting", "G4", "sold + remaining == total", violations, summary);
    }
}
