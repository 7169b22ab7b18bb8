namespace FlashSale.Drill.Checking;

/// <summary>G2: nobody holds more confirmed units of a sale than its per-user limit.</summary>
internal static class PerUserLimitCheck
{
    public static Verdict Run(CheckContext c)
    {
        var violations = new List<string>();
        var buyers = 0;
        foreach (var s in c.Sales)
        {
            var perUser = s.Orders.Where(o => o.IsConfirmed).GroupBy(o => o.UserId)
                .Select(g => (User: g.Key, Units: g.Sum(o => o.Quantity))).ToList();
            buyers += perUser.Count;
            violations.AddRange(perUser.Where(u => u.Units > s.Sale.PerUserLimit).Select(u =>
                $"sale {CheckContext.Short(s.Sale.SaleId)}: user {u.User} holds {u.Units} units, limit {s.Sale.PerUserLimit}"));

            var told = c.Acks.Where(a => a.SaleId == s.Sale.SaleId).DistinctBy(a => a.OrderId)
                .GroupBy(a => a.UserId).Where(g => g.Sum(a => a.Quantity) > s.Sale.PerUserLimit);
            violations.AddRange(told.Select(g =>
                $"sale {CheckContext.Short(s.Sale.SaleId)}: user {g.Key} was acknowledged {g.Sum(a => a.Quantity)} units, limit {s.Sale.PerUserLimit}"));
        }

        return Verdict.From("per-user-limit", "G2", "Nobody above perUserLimit", violations,
            $"{buyers} buyers, all within their limit");
    }
}
