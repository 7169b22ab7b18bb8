namespace FlashSale.Drill.Checking;

/// <summary>
/// G1 from the other side: a <c>409 sold_out</c> is right only while fewer units are left than asked for. Its own
/// <c>remaining</c> says how many were (docs/api.md), and must be fewer, on any sale. On a sale the drill created nothing is
/// cancelled, so its stock only falls: the units left at the end were left at every earlier moment, less those a failed
/// purchase may have held then and given back since (<see cref="ReleasedUnits"/>), and a sold_out they could have served
/// refused a sale the stock had (until 2026-12-07 only the seed preset's count caught that). What is left is the smaller of
/// the counters' <c>remaining</c> and the stock less the orders listed. On a <c>--sale</c> sale another
/// shopper's cancelled order may have brought the units back: a warning. A created sale that sold nothing at all is
/// something-sold's finding, not reported twice.
/// </summary>
internal static class UndersellCheck
{
    public static Verdict Run(CheckContext c)
    {
        var findings = new RefusalFindings("sold_out");
        foreach (var (s, id, records, soldOuts) in findings.Sales(c))
        {
            var contradicted = soldOuts.Where(r => r.Remaining >= r.Quantity).ToList();
            if (contradicted.Count > 0)
            {
                var e = contradicted[0];
                findings.Violations.Add($"sale {id}: sold_out × {contradicted.Count} whose own remaining could serve it " +
                               $"(e.g. user {e.UserId} asked ×{e.Quantity}, told remaining {e.Remaining})");
            }

            // Counters that disagree with the orders are accounting's finding: of the two counts of what is left, the smaller.
            var left = Math.Min(s.Stock.RemainingStock, s.Sale.TotalStock - s.Orders.Where(o => !o.IsCancelled).Sum(o => o.Quantity));
            var released = new ReleasedUnits(records);
            var served = soldOuts.Where(r => !(r.Remaining >= r.Quantity) && left - released.Before(r) >= r.Quantity).ToList();
            if (served.Count > 0)
            {
                var e = served[0];
                findings.AtTheEnd(s, $"sale {id}: sold_out × {served.Count} though {left} left at the end could serve it " +
                                     $"(e.g. user {e.UserId} ×{e.Quantity}, key {e.IdempotencyKey ?? "none"})",
                    "another shopper's cancelled order may have brought the units back");
            }
        }

        return Verdict.From("no-undersell", "G1", "No sold_out while units were left for it", findings.Violations,
            $"{findings.Refusals} sold_out answers, none while the stock could serve it", findings.Warnings);
    }
}
