namespace FlashSale.Drill.Checking;

/// <summary>G1: confirmed units never exceed the stock — on the server, nor in what clients were told.</summary>
internal static class OversellCheck
{
    public static Verdict Run(CheckContext c)
    {
        var violations = new List<string>();
        foreach (var s in c.Sales)
        {
            var confirmed = s.Orders.Where(o => o.IsConfirmed).Sum(o => o.Quantity);
            if (confirmed > s.Sale.TotalStock)
            {
                violations.Add($"sale {CheckContext.Short(s.Sale.SaleId)}: {confirmed} units confirmed of {s.Sale.TotalStock}");
            }

            var acknowledged = c.Acks.Where(a => a.SaleId == s.Sale.SaleId)
                .DistinctBy(a => a.OrderId).Sum(a => a.Quantity);
            if (acknowledged > s.Sale.TotalStock)
            {
                violations.Add($"sale {CheckContext.Short(s.Sale.SaleId)}: {acknowledged} units acknowledged to clients of {s.Sale.TotalStock}");
            }
        }

        var summary = string.Join("; ", c.Sales.Select(s =>
            $"{CheckContext.Short(s.Sale.SaleId)}: {s.Orders.Where(o => o.IsConfirmed).Sum(o => o.Quantity)}/{s.Sale.TotalStock}"));
        return Verdict.From("no-oversell", "G1", "Total sold ≤ stock", violations, summary);
    }
}
