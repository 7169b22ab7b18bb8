namespace FlashSale.Drill.Checking;

/// <summary>
/// No order exists that no client attempted. An order nobody acknowledged is still accounted for when its user
/// sent that key (or, without keys, a request whose answer was lost) — the answer went missing, not the attempt.
/// </summary>
internal static class PhantomOrdersCheck
{
    public static Verdict Run(CheckContext c)
    {
        var keyed = c.Records.Where(r => r.IdempotencyKey is not null)
            .Select(r => (r.SaleId, r.UserId, r.IdempotencyKey!))
            .ToHashSet();
        // Keyless requests with no definite answer, per sale and user: each may have bought once.
        var unknownKeyless = c.Records.Where(r => r.IdempotencyKey is null && (!r.IsAnswered || r.Status >= 500))
            .GroupBy(r => (r.SaleId, r.UserId))
            .ToDictionary(g => g.Key, g => g.Count());

        var violations = new List<string>();
        var unacknowledged = 0;
        foreach (var order in c.NewOrders.Where(o => !c.AckedOrderIds.Contains(o.OrderId)))
        {
            var attempted = order.IdempotencyKey is { } key
                ? keyed.Contains((order.SaleId, order.UserId, key))
                : TakeOne(unknownKeyless, (order.SaleId, order.UserId));
            if (attempted)
            {
                unacknowledged++;
            }
            else
            {
                violations.Add($"phantom order {order.OrderId}: user {order.UserId}, key {order.IdempotencyKey ?? "none"}, " +
                               $"{order.Status} — no client attempted it");
            }
        }

        var pass = unacknowledged == 0
            ? "every order was attempted by a drill client"
            : $"every order was attempted; {unacknowledged} of them got no 2xx back (answer lost or replaced)";
        return Verdict.From("no-phantom-orders", "G3", "No order without an attempt", violations, pass);
    }

    private static bool TakeOne(Dictionary<(string, string), int> counts, (string, string) key)
    {
        if (!counts.TryGetValue(key, out var left) || left == 0)
        {
            return false;
        }

        counts[key] = left - 1;
        return true;
    }
}
