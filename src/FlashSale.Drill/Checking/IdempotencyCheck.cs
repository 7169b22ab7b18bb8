using FlashSale.Drill.Load;

namespace FlashSale.Drill.Checking;

/// <summary>
/// G5: one key buys at most once; every 2xx for a key names the same order; once a key has an order, later
/// replays get that order (not a rejection); the same body never gets 422.
/// </summary>
internal static class IdempotencyCheck
{
    public static Verdict Run(CheckContext c)
    {
        var violations = new List<string>();
        foreach (var g in c.NewOrders.Where(o => o.IdempotencyKey is not null)
                     .GroupBy(o => (o.SaleId, o.UserId, o.IdempotencyKey)).Where(g => g.Count() > 1))
        {
            violations.Add($"key {g.Key.IdempotencyKey} of user {g.Key.UserId} bought {g.Count()} times: " +
                           string.Join(", ", g.Select(o => o.OrderId)));
        }

        var groups = c.Records.Where(r => r.IdempotencyKey is not null).GroupBy(r => (r.SaleId, r.UserId, r.IdempotencyKey));
        var replayed = 0;
        foreach (var group in groups)
        {
            var records = group.OrderBy(r => r.StartMicros).ToList();
            replayed += records.Count > 1 ? 1 : 0;
            CheckGroup(group.Key.IdempotencyKey!, records, violations);
        }

        return Verdict.From("idempotent-replays", "G5", "Replays return the first outcome", violations,
            $"{replayed} keys sent more than once, every replay consistent");
    }

    private static void CheckGroup(string key, List<AttemptRecord> records, List<string> violations)
    {
        foreach (var mismatch in records.Where(r => r.Status == 422))
        {
            violations.Add($"key {key}: 422 {mismatch.Reason} although every copy had the same body");
        }

        var acks = records.Where(r => r.IsSuccess && r.OrderId is not null).ToList();
        if (acks.Count == 0)
        {
            return;
        }

        var orderIds = acks.Select(r => r.OrderId!).Distinct().ToList();
        if (orderIds.Count > 1)
        {
            violations.Add($"key {key}: replays returned different orders {string.Join(", ", orderIds)}");
        }

        // Replays sent after the first order was answered must see that order again.
        var firstAnswered = acks.Min(r => r.EndMicros);
        foreach (var later in records.Where(r => r.StartMicros >= firstAnswered && !r.IsSuccess &&
                                                 DocumentedOutcomes.IsDecision(r.Status, r.Reason) && r.Status != 422))
        {
            violations.Add($"key {key}: replay answered {later.Status} {later.Reason} after order {acks[0].OrderId}");
        }
    }
}
