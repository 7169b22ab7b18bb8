using FlashSale.Drill.Load;

namespace FlashSale.Drill.Checking;

/// <summary>
/// G3: every 2xx is exactly one order in the system of record, for the same user, sale and quantity, under the
/// Idempotency-Key the attempt sent; a 202 <c>pending</c> has become confirmed; no order id was acknowledged to two
/// different attempts. Each 2xx's body tells the attempt's order too: one naming another buyer shows a buyer someone
/// else's order (G8), one with other units tells the buyer of a purchase that was not made.
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

        // Every 2xx, replays included: each is an answer a buyer acts on.
        foreach (var told in c.Acks.Where(TellsAnotherOrder))
        {
            violations.Add($"{told.Status} order {told.OrderId} told user {told.AckUserId ?? told.UserId} ×{told.AckQuantity ?? told.Quantity} " +
                           $"in sale {told.AckSaleId ?? told.SaleId}, but user {told.UserId} asked ×{told.Quantity} in sale {told.SaleId}");
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

            // An order recorded without the key it was bought with (or under another) is not what the key's retries find:
            // they may buy again.
            if (ack.IdempotencyKey is not null && !string.Equals(order.IdempotencyKey, ack.IdempotencyKey, StringComparison.Ordinal))
            {
                violations.Add($"order {ack.OrderId} acknowledged for key {ack.IdempotencyKey} but recorded " +
                               (order.IdempotencyKey is null ? "without a key" : $"under key {order.IdempotencyKey}"));
            }
        }

        foreach (var shared in c.Acks.GroupBy(a => a.OrderId!).Where(g => g.Select(a => a.AttemptId).Distinct().Count() > 1))
        {
            violations.Add($"order {shared.Key} acknowledged to {shared.Select(a => a.AttemptId).Distinct().Count()} different attempts");
        }

        return Verdict.From("acks-are-orders", "G3", "Every 2xx is exactly one order", violations,
            $"{checkedIds.Count} acknowledged orders, all confirmed on the server");
    }

    /// <summary>
    /// The 2xx's body names another buyer, sale or quantity than the attempt's (and so than its order's, which must be the
    /// attempt's). A part the body leaves out is not compared: only what it says can contradict.
    /// </summary>
    private static bool TellsAnotherOrder(AttemptRecord r) =>
        (r.AckUserId is { } user && user != r.UserId)
        || (r.AckSaleId is { } sale && sale != r.SaleId)
        || (r.AckQuantity is { } units && units != r.Quantity);
}
