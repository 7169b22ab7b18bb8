using FlashSale.Drill.Load;

namespace FlashSale.Drill.Checking;

/// <summary>
/// G5: one key buys at most once; every decided answer for a key — an order (2xx, or the key's order on the server),
/// <c>sold_out</c>, <c>limit_reached</c>, which both ledgers remember under the key — is the same outcome, in whatever
/// order or overlap its copies ran; once a key has an order, later replays get that order (not a rejection); the same
/// body never gets 422. Answers that decide nothing (429, 503, <c>sale_not_started</c>, no
/// answer) are not compared. A refusal's memory may expire (<see cref="RunFacts.DecisionTtl"/>): a different decision
/// sent that long after it is allowed. An order's never expires: a copy sent once the key's order surely existed — told
/// in a 2xx, or one no copy was told of (<see cref="OrderSurelyExisted"/>) — gets it again.
/// </summary>
internal static class IdempotencyCheck
{
    public static Verdict Run(CheckContext c)
    {
        var violations = new List<string>();
        var ordersByKey = c.NewOrders.Where(o => o.IdempotencyKey is not null)
            .GroupBy(o => (o.SaleId, o.UserId, o.IdempotencyKey))
            .ToDictionary(g => g.Key, g => g.ToList());
        foreach (var (key, orders) in ordersByKey.Where(p => p.Value.Count > 1))
        {
            violations.Add($"key {key.IdempotencyKey} of user {key.UserId} bought {orders.Count} times: " +
                           string.Join(", ", orders.Select(o => o.OrderId)));
        }

        var groups = c.Records.Where(r => r.IdempotencyKey is not null).GroupBy(r => (r.SaleId, r.UserId, r.IdempotencyKey));
        var replayed = 0;
        var ttl = (long)c.Run.DecisionTtl.TotalMicroseconds;
        foreach (var group in groups)
        {
            var records = group.OrderBy(r => r.StartMicros).ToList();
            replayed += records.Count > 1 ? 1 : 0;
            CheckGroup(group.Key.IdempotencyKey!, records, ordersByKey.GetValueOrDefault(group.Key) ?? [], ttl, c.Run, violations);
        }

        return Verdict.From("idempotent-replays", "G5", "Replays return the first outcome", violations,
            $"{replayed} keys sent more than once, every replay consistent");
    }

    private static void CheckGroup(string key, List<AttemptRecord> records, List<ServerOrder> orders, long ttl, RunFacts run,
        List<string> violations)
    {
        foreach (var mismatch in records.Where(r => r.Status == 422))
        {
            violations.Add($"key {key}: 422 {mismatch.Reason} although every copy had the same body");
        }

        var acks = records.Where(r => r.IsSuccess && r.OrderId is not null).ToList();
        var orderIds = acks.Select(r => r.OrderId!).Distinct().ToList();
        if (orderIds.Count > 1)
        {
            violations.Add($"key {key}: replays returned different orders {string.Join(", ", orderIds)}");
        }

        if (FirstConflict(records, orders, ttl) is { } conflict)
        {
            violations.Add($"key {key}: {conflict}");
        }

        if (OrderSurelyExisted(records, acks, orders, run) is not { } existing)
        {
            return;
        }

        // Replays sent once the key's order surely existed must see that order again (sold_out and limit_reached are
        // FirstConflict's; a key is looked up before the window, the sale and the body, so not sale_not_started,
        // sale_ended, 404 or 400 either).
        foreach (var later in records.Where(r => r.StartMicros >= existing.Since && !r.IsSuccess && Remembered(r) is null &&
                                                 DocumentedOutcomes.IsDecision(r.Status) && r.Status != 422))
        {
            violations.Add($"key {key}: replay answered {later.Status} {later.Reason} after order {existing.OrderId}");
        }
    }

    /// <summary>
    /// From when (the records' microseconds) the key's order surely existed, and which: the first 2xx's answer. An order no
    /// copy was told of came from a copy whose outcome is unknown; it existed once every such copy was answered (a 503
    /// with <c>outcomeUnknown</c>: the server was done with the attempt, whatever it did) — not while one is unanswered,
    /// which may still be buying — or from its purchase time on the server, given the two clocks'
    /// <see cref="RunFacts.ClockSlack"/>. Null when nothing says.
    /// </summary>
    private static (long Since, string OrderId)? OrderSurelyExisted(List<AttemptRecord> records, List<AttemptRecord> acks,
        List<ServerOrder> orders, RunFacts run)
    {
        var known = new List<(long Since, string OrderId)>();
        if (acks.MinBy(r => r.EndMicros) is { } firstAck)
        {
            known.Add((firstAck.EndMicros, firstAck.OrderId!));
        }

        var untold = records.Where(DocumentedOutcomes.MayHaveBoughtUntold).ToList();
        foreach (var order in orders.Where(o => !acks.Any(r => r.OrderId == o.OrderId)))
        {
            if (untold.Count > 0 && untold.All(r => r.IsAnswered))
            {
                known.Add((untold.Max(r => r.EndMicros), order.OrderId));
            }

            if (order.PurchasedAt is { } at && run.FloodStartedAt is { } floodStart)
            {
                // The records' time 0 is a moment after floodStart: this errs late, never early.
                known.Add(((long)(at - floodStart + RunFacts.ClockSlack).TotalMicroseconds, order.OrderId));
            }
        }

        return known.Count == 0 ? null : known.MinBy(k => k.Since);
    }

    /// <summary>
    /// Two decided answers (or a refusal and the key's order on the server) that differ. <paramref name="records"/> is
    /// ordered by start.
    /// </summary>
    private static string? FirstConflict(List<AttemptRecord> records, List<ServerOrder> orders, long ttl)
    {
        var decided = records.Where(r => Remembered(r) is not null).ToList();
        for (var i = 0; i < decided.Count; i++)
        {
            var first = decided[i];
            var firstOutcome = Remembered(first)!;
            for (var j = i + 1; j < decided.Count; j++)
            {
                var next = decided[j];
                var nextOutcome = Remembered(next)!;
                var bothOrders = first.IsSuccess && next.IsSuccess; // different orders: reported above
                var expired = !first.IsSuccess && next.StartMicros - first.EndMicros >= ttl;
                if (firstOutcome != nextOutcome && !bothOrders && !expired)
                {
                    return $"copy {first.Copy} answered {first.Status} {firstOutcome}, copy {next.Copy} {next.Status} {nextOutcome} " +
                           $"({(next.StartMicros < first.EndMicros ? "overlapping" : "after it")})";
                }
            }
        }

        // An order on the server that no copy was told of came from a copy whose outcome is unknown; a refusal
        // contradicts it unless that copy ran long enough after the refusal for its memory to have expired.
        var acked = decided.Where(r => r.IsSuccess).Select(r => r.OrderId).ToHashSet(StringComparer.Ordinal);
        foreach (var order in orders.Where(o => !acked.Contains(o.OrderId)))
        {
            var refusal = decided.FirstOrDefault(r => !r.IsSuccess &&
                !records.Any(u => DocumentedOutcomes.MayHaveBoughtUntold(u) && u.EndMicros - r.EndMicros >= ttl));
            if (refusal is not null)
            {
                return $"copy {refusal.Copy} answered 409 {Remembered(refusal)}, yet the key's order {order.OrderId} is on the server";
            }
        }

        return null;
    }

    /// <summary>The outcome a ledger remembers under the key (201 and 202 of one order are one), or null for an answer that decides nothing of it.</summary>
    private static string? Remembered(AttemptRecord r) => r switch
    {
        { IsSuccess: true, OrderId: { } id } => $"order {id}",
        { Status: 409, Reason: "sold_out" or "limit_reached" } => r.Reason,
        _ => null,
    };
}
