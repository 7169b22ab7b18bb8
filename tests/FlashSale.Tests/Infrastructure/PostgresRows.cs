namespace FlashSale.Tests.Infrastructure;

/// <summary>Rows written straight into the distributed record's tables, for tests of its schema, triggers and functions.</summary>
internal static class PostgresRows
{
    /// <summary>The columns an order row is inserted with, as the persister writes them (seq and status by default).</summary>
    public const string OrderColumns =
        "id, sale_id, user_id, username, quantity, unit_price, currency, purchased_at, remaining_after, idempotency_key, limit_one";

    /// <summary>An INSERT of an open sale (2026) in EUR.</summary>
    public static string Sale(Guid id, decimal price, int totalStock, int perUserLimit, string currency = "EUR") =>
        $"""
        INSERT INTO sales (id, sku, product_name, description, price, currency, total_stock, per_user_limit, starts_at, ends_at, created_at)
        VALUES ('{id}', 'sku-{id:N}', 'Product', '', {price.ToString(System.Globalization.CultureInfo.InvariantCulture)}, '{currency}', {totalStock}, {perUserLimit}, '2026-01-01', '2027-01-01', now())
        """;
}
