namespace FlashSale.Drill.Checking;

/// <summary>
/// G3: every 2xx is exactly one order in the system of record, for the same user, sale and quantity; a 202
/// <c>pending</c> has become confirmed; no order id was acknowledged to two different attempts.
/// </summary>
internal static class AcksAreOrdersCheck
{
    public static Verdict Run(CheckContext c)
    {
        var violations = new List<string>();
        foreach (var (id, orders) in c.OrdersById)
        {
            if (orders.Count > 1)
            {
                violations.Add($"order {id} listed {orders.Count} times on the server");
            }
        }

        foreach (var r in c.Records.Where(r => r.IsSuccess && r.OrderId is null))
        {
            violations.Add($"{r.Status} for user {r.UserId} without an order id");
        }

        var checkedIds = new HashSet<string>(StringComparer.Ordinal);
        foreach (var ack in c.Acks)
        {
            if (!checkedIds.Add(ack.OrderId!))
            {
                continue;
            }

            if (!c.OrdersById.TryGetValue(ack.OrderId!, out var found))
            {
                violations.Add($"lost ack: {ack.Status} order {ack.OrderId} (user {ack.UserId}, key {ack.IdempotencyKey ?? "none"}) is not on the server");
                continue;
            }

            var order = found[0];
            if (!order.IsConfirmed)
            {
                violations.Add($"{ack.Status} order {ack.OrderId} is '{order.Status}' on the server, not confirmed");
            }

            if (order.UserId != ack.UserId || order.SaleId != ack.SaleId || order.Quantity != ack.Quantity)
            {
                violations.Add($"order {ack.OrderId} acknowledged to user {ack.UserId} ×{ack.Quantity} " +
                               $"but recorded for user {order.UserId} ×{order.Quantity} in sale {order.SaleId}");
            }
        }

        foreach (var shared in c.Acks.GroupBy(a => a.OrderId!).Where(g => g.Select(a => a.AttemptId).Distinct().Count() > 1))
        {
            violations.Add($"order {shared.Key} acknowledged to {shared.Select(a => a.AttemptId).Distinct().Count()} different attempts");
        }

        return Verdict.From("acks-are-orders", "G3", "Every 2xx is exactly one order", violations,
            $"{checkedIds.Count} acknowledged orders, all confirmed on the server");
    }
}
