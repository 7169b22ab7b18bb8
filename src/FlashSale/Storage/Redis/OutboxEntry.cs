using FlashSale.Storage.Postgres;
using StackExchange.Redis;
using Order = FlashSale.Orders.Order;

namespace FlashSale.Storage.Redis;

/// <summary>Reads an outbox stream entry written by purchase.lua back into the order it stands for.</summary>
internal static class OutboxEntry
{
    public static DecidedOrder Parse(Guid saleId, StreamEntry entry)
    {
        // One pass over the fields: the entry's indexer scans all of them for each name it is asked.
        string? o = null, u = null, n = null, q = null, p = null, c = null, t = null, r = null, k = null, l = null;
        foreach (var field in entry.Values)
        {
            var value = field.Value.ToString();
            switch (field.Name.ToString())
            {
                case "o": o ??= value; break;
                case "u": u ??= value; break;
                case "n": n ??= value; break;
                case "q": q ??= value; break;
                case "p": p ??= value; break;
                case "c": c ??= value; break;
                case "t": t ??= value; break;
                case "r": r ??= value; break;
                case "k": k ??= value; break;
                case "l": l ??= value; break;
            }
        }

        return new DecidedOrder(new Order
        {
            Id = Guid.ParseExact(o ?? "", "D"),
            SaleId = saleId,
            UserId = u ?? "",
            Username = n ?? "",
            Quantity = LedgerValues.Int(q ?? ""),
            UnitPrice = LedgerValues.ParsePrice(p ?? ""),
            Currency = c ?? "",
            PurchasedAt = DateTimeOffset.FromUnixTimeMilliseconds(LedgerValues.Long(t ?? "")),
            RemainingAfter = LedgerValues.Int(r ?? ""),
            IdempotencyKey = string.IsNullOrEmpty(k) ? null : k,
        }, l == "1");
    }
}
