using FlashSale.Storage.Postgres;
using StackExchange.Redis;
using Order = FlashSale.Orders.Order;

namespace FlashSale.Storage.Redis;

/// <summary>Reads an outbox stream entry written by purchase.lua back into the order it stands for.</summary>
internal static class OutboxEntry
{
    public static DecidedOrder Parse(Guid saleId, StreamEntry entry)
    {
        string Field(string name) => entry[name].ToString();
        var key = Field("k");
        return new DecidedOrder(new Order
        {
            Id = Guid.ParseExact(Field("o"), "D"),
            SaleId = saleId,
            UserId = Field("u"),
            Username = Field("n"),
            Quantity = LedgerValues.Int(Field("q")),
            UnitPrice = LedgerValues.ParsePrice(Field("p")),
            Currency = Field("c"),
            PurchasedAt = DateTimeOffset.FromUnixTimeMilliseconds(LedgerValues.Long(Field("t"))),
            RemainingAfter = LedgerValues.Int(Field("r")),
            IdempotencyKey = key.Length == 0 ? null : key,
        }, Field("l") == "1");
    }
}
