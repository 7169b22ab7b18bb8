using FlashSale.Drill.Load;

namespace FlashSale.Drill.Checking;

/// <summary>
/// No order exists that no client attempted. An order nobody acknowledged is still accounted for when its user sent
/// that key (or, without keys, a request) and at least one such request may have bought without being told: no answer,
/// or a 5xx that does not say nothing was bought (a 503 problem with <c>outcomeUnknown: true</c>, another 5xx, a 5xx
/// without a problem body) — the answer went missing, not the attempt. Such an order is that attempt's, so it holds the
/// units the attempt asked for (its sale and user are those it was matched by): an order of other units is no purchase
/// the buyer made. An order whose requests were all refused (409 sold_out, 400, 404, 429, a 503 problem without
/// <c>outcomeUnknown</c>, …) is a "no" that bought (<see cref="DocumentedOutcomes.SaysNothingBought"/>).
/// </summary>
internal static class PhantomOrdersCheck
{
    public static Verdict Run(CheckContext c)
    {
        var keyed = c.Records.Where(r => r.IdempotencyKey is not null)
            .GroupBy(r => (r.SaleId, r.UserId, r.IdempotencyKey!))
            .ToDictionary(g => g.Key, g => g.ToList());
        var keyless = c.Records.Where(r => r.IdempotencyKey is null)
            .GroupBy(r => (r.SaleId, r.UserId))
            .ToDictionary(g => g.Key, g => g.ToList());
        // Keyless requests that may have bought untold, per sale, user and units: each may have bought one order of its units.
        var unknownKeyless = c.Records.Where(r => r.IdempotencyKey is null && DocumentedOutcomes.MayHaveBoughtUntold(r))
            .GroupBy(r => (r.SaleId, r.UserId, r.Quantity))
            .ToDictionary(g => g.Key, g => g.Count());

        var violations = new List<string>();
        var strangers = new List<string>();
        var existing = c.Sales.Where(s => !s.Sale.CreatedByDrill).Select(s => s.Sale.SaleId).ToHashSet(StringComparer.Ordinal);
        var unacknowledged = 0;
        foreach (var order in c.NewOrders.Where(o => !c.AckedOrderIds.Contains(o.OrderId)))
        {
            var sent = order.IdempotencyKey is { } key
                ? keyed.GetValueOrDefault((order.SaleId, order.UserId, key))
                : keyless.GetValueOrDefault((order.SaleId, order.UserId));
            // The requests it may have come from. A second order under a key that got a 2xx is idempotent-replays'
            // finding (one key bought twice), not a phantom.
            var source = order.IdempotencyKey is not null
                ? sent?.Where(r => r.IsSuccess || DocumentedOutcomes.MayHaveBoughtUntold(r)).ToList() ?? []
                : sent?.Where(DocumentedOutcomes.MayHaveBoughtUntold).ToList() ?? [];
            var attempted = order.IdempotencyKey is not null
                ? source.Any(r => r.Quantity == order.Quantity)
                : TakeOne(unknownKeyless, (order.SaleId, order.UserId, order.Quantity));
            if (attempted)
            {
                unacknowledged++;
                continue;
            }

            var what = $"order {order.OrderId}: user {order.UserId}, key {order.IdempotencyKey ?? "none"}, {order.Status}";
            if (source.Count > 0 && source.All(r => r.Quantity != order.Quantity))
            {
                // Its attempt may have bought, but not this: the server recorded other units than were asked for.
                violations.Add($"{what} ×{order.Quantity} — not what its attempt asked for: " +
                               string.Join(", ", source.Select(r => $"×{r.Quantity}").Distinct()) +
                               (order.IdempotencyKey is null ? " (the keyless requests of that user that may have bought untold)" : ""));
                continue;
            }

            if (existing.Contains(order.SaleId) && !c.DrillUsers.Contains(order.UserId))
            {
                // A live --sale sale: another shopper's order, placed while the drill ran.
                strangers.Add($"{what} — a user the drill did not mint (another shopper on the --sale sale?)");
                continue;
            }

            var refused = order.IdempotencyKey is null
                ? "every keyless request of that user was refused or told of its own order"
                : "every request with that key was refused";
            violations.Add(sent is null or []
                ? $"phantom {what} — no client attempted it"
                : $"{what} — bought although {refused}: {Answers(sent)}");
        }

        var pass = unacknowledged == 0
            ? "every order was attempted by a drill client"
            : $"every order was attempted; {unacknowledged} of them got no 2xx back (answer lost or outcome unknown)";
        return Verdict.From("no-phantom-orders", "G3", "No order without an attempt", violations, pass,
            strangers.Count == 0 ? null : [$"{strangers.Count} order(s) of users the drill did not mint, not judged", .. strangers]);
    }

    private static string Answers(IEnumerable<AttemptRecord> records) => string.Join(", ", records
        .GroupBy(r => r.Status == 503 && DocumentedOutcomes.SaysNothingBought(r) ? "503 nothing bought" : OutcomeKey.Of(r))
        .Select(g => $"{g.Key} ×{g.Count()}"));

    private static bool TakeOne(Dictionary<(string, string, int), int> counts, (string, string, int) key)
    {
        if (!counts.TryGetValue(key, out var left) || left == 0)
        {
            return false;
        }

        counts[key] = left - 1;
        return true;
    }
}
