using FlashSale.Drill.Load;

namespace FlashSale.Drill.Checking;

/// <summary>
/// G2 from the other side: a <c>409 limit_reached</c> is right only when the units the buyer holds and those asked for
/// exceed the limit. Its own <c>held</c> and <c>limit</c> (docs/api.md) must say so, on any sale. On a sale the drill
/// created nothing is cancelled, so a buyer's holding only grows: what they hold at the end (their orders listed, and any
/// acknowledged one that is not) is at least what they held at every earlier moment, less the units a failed purchase of
/// theirs may have held then and given back since (<see cref="ReleasedUnits"/>); a refusal that leaves room under the
/// limit the drill asked for was wrong. On a <c>--sale</c> sale a cancelled order may have lowered the holding: a
/// warning. A created sale that sold nothing at all is something-sold's finding, not reported twice.
/// </summary>
internal static class WrongfulLimitCheck
{
    public static Verdict Run(CheckContext c)
    {
        var findings = new RefusalFindings("limit_reached");
        foreach (var (s, id, records, refused) in findings.Sales(c))
        {
            var contradicted = refused.Where(r => r.Held + r.Quantity <= r.Limit).ToList();
            if (contradicted.Count > 0)
            {
                var e = contradicted[0];
                findings.Violations.Add($"sale {id}: limit_reached × {contradicted.Count} whose own numbers leave room " +
                               $"(e.g. user {e.UserId} asked ×{e.Quantity}, told held {e.Held} of limit {e.Limit})");
            }

            var held = HeldAtTheEnd(c, s);
            var byUser = records.ToLookup(r => r.UserId, StringComparer.Ordinal);
            var released = new Dictionary<string, ReleasedUnits>(StringComparer.Ordinal);
            var limit = s.Sale.PerUserLimit;
            var room = refused.Where(r => !(r.Held + r.Quantity <= r.Limit) &&
                held.GetValueOrDefault(r.UserId) + ReleasedBy(r) + r.Quantity <= limit).ToList();
            if (room.Count > 0)
            {
                var e = room[0];
                findings.AtTheEnd(s, $"sale {id}: limit_reached × {room.Count} for buyers with room under the limit of {limit} at the end " +
                                     $"(e.g. user {e.UserId} held {held.GetValueOrDefault(e.UserId)}, asked ×{e.Quantity}, key {e.IdempotencyKey ?? "none"})",
                    "a cancelled order may have lowered the holding");
            }

            int ReleasedBy(AttemptRecord r)
            {
                if (!released.TryGetValue(r.UserId, out var units))
                {
                    released[r.UserId] = units = new ReleasedUnits(byUser[r.UserId]);
                }

                return units.Before(r);
            }
        }

        return Verdict.From("no-wrongful-limit", "G2", "No limit_reached while the buyer had room", findings.Violations,
            $"{findings.Refusals} limit_reached answers, none while the buyer had room", findings.Warnings);
    }

    /// <summary>Units per buyer at the end: their orders not cancelled, and any acknowledged order the listing lacks (a lost ack, acks-are-orders' finding).</summary>
    private static Dictionary<string, int> HeldAtTheEnd(CheckContext c, SaleEvidence s)
    {
        var held = s.Orders.Where(o => !o.IsCancelled).GroupBy(o => o.UserId, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Sum(o => o.Quantity), StringComparer.Ordinal);
        foreach (var lost in c.Acks.Where(a => a.SaleId == s.Sale.SaleId && !c.OrdersById.ContainsKey(a.OrderId!)).DistinctBy(a => a.OrderId))
        {
            held[lost.UserId] = held.GetValueOrDefault(lost.UserId) + lost.Quantity;
        }

        return held;
    }
}
