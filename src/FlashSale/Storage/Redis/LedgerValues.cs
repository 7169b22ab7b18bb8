using System.Globalization;
using FlashSale.Sales;
using StackExchange.Redis;
using Order = FlashSale.Orders.Order;

namespace FlashSale.Storage.Redis;

/// <summary>How the ledger writes domain values into Redis strings and reads them back, in one place.</summary>
internal static class LedgerValues
{
    public static string Price(decimal price) => FlashSale.Common.Money.Normalize(price).ToString(CultureInfo.InvariantCulture);

    public static decimal ParsePrice(string price) =>
        FlashSale.Common.Money.Normalize(decimal.Parse(price, NumberStyles.Number, CultureInfo.InvariantCulture));

    public static string Ms(DateTimeOffset at) => at.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);

    public static long Long(string value) => long.Parse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);

    public static int Int(string value) => int.Parse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);

    public static RedisValue[] SaleTerms(Sale sale) =>
    [
        sale.TotalStock, sale.PerUserLimit, Ms(sale.StartsAt), Ms(sale.EndsAt), Price(sale.Price), sale.Currency,
    ];

    /// <summary>An idempotency key's value for an order: <c>O|qty|orderId|ms|remaining|price|currency</c>.</summary>
    public static string KeyForOrder(Order order) => string.Join('|', "O",
        order.Quantity.ToString(CultureInfo.InvariantCulture), order.Id.ToString("D"), Ms(order.PurchasedAt),
        order.RemainingAfter.ToString(CultureInfo.InvariantCulture), Price(order.UnitPrice), order.Currency);
}
