using FlashSale.Common;
using System.Globalization;
using FlashSale.Orders;
using Microsoft.Data.Sqlite;
using static FlashSale.Storage.Embedded.SqliteValues;

namespace FlashSale.Storage.Embedded;

public sealed class SqliteOrderStore(SqliteDatabase db, BuyerOrders buyers) : IOrderStore
{
    internal const string Columns =
        "seq, id, sale_id, user_id, username, quantity, unit_price_minor, currency, purchased_at, remaining_after, idempotency_key, status, cancelled_at, cancelled_by";

    public Task<OrderPage?> ListByUserAsync(string userId, int limit, Guid? after, CancellationToken ct)
    {
        var seqs = buyers.Of(userId);
        if (after is { } id)
        {
            var cursor = Query($"SELECT {Columns} FROM orders WHERE id = $id AND user_id = $user", c =>
            {
                Add(c, "$id", Id(id));
                Add(c, "$user", userId);
            });
            if (cursor.Count == 0)
            {
                return Task.FromResult<OrderPage?>(null);
            }

            // The index is in purchase order: the orders before the cursor's are a prefix.
            var end = Array.BinarySearch(seqs, cursor[0].Seq);
            seqs = seqs[..(end < 0 ? ~end : end)];
        }

        var rows = ByBuyer(userId, seqs[Math.Max(0, seqs.Length - (limit + 1))..], command: null, sql: "ORDER BY seq DESC");
        var next = rows.Count > limit ? rows[limit - 1].Id.ToString("D") : null;
        return Task.FromResult<OrderPage?>(new OrderPage(rows.Take(limit).ToList(), next));
    }

    public Task<IReadOnlyList<Order>> ListByUserAndSaleAsync(string userId, Guid saleId, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<Order>>(ByBuyer(userId, buyers.Of(userId), command: c => Add(c, "$sale", Id(saleId)),
            sql: "AND sale_id = $sale ORDER BY seq"));

    /// <summary>
    /// A buyer's orders by their seqs from <see cref="BuyerOrders"/> (primary key lookups). The user id
    /// is checked again on every row: whatever the index says, nobody sees another buyer's order (G8).
    /// </summary>
    private List<Order> ByBuyer(string userId, long[] seqs, Action<SqliteCommand>? command, string sql)
    {
        if (seqs.Length == 0)
        {
            return [];
        }

        var list = string.Join(',', seqs);
        return Query($"SELECT {Columns} FROM orders WHERE seq IN (SELECT value FROM json_each($seqs)) AND user_id = $user {sql}",
            c =>
            {
                Add(c, "$seqs", $"[{list}]");
                Add(c, "$user", userId);
                command?.Invoke(c);
            }).Select(o => o.Order).ToList();
    }

    public Task<Order?> FindAsync(Guid orderId, CancellationToken ct) =>
        Task.FromResult(Query($"SELECT {Columns} FROM orders WHERE id = $id", c => Add(c, "$id", Id(orderId)))
            .Select(o => o.Order).FirstOrDefault());

    public Task<OrderPage> ListBySaleAsync(Guid saleId, OrderPageRequest request, CancellationToken ct)
    {
        // Keyset pagination on seq: stable under concurrent inserts, O(page) at any depth.
        long? after = PlainNumber.TryParse(request.Cursor, out long c) ? c : null;
        var comparison = request.NewestFirst ? "<" : ">";
        var direction = request.NewestFirst ? "DESC" : "ASC";
        var rows = Query($"""
            SELECT {Columns} FROM orders
            WHERE sale_id = $sale {(after is null ? "" : $"AND seq {comparison} $after")}
            ORDER BY seq {direction} LIMIT $limit
            """,
            command =>
            {
                Add(command, "$sale", Id(saleId));
                Add(command, "$after", after);
                Add(command, "$limit", request.Limit + 1);
            });
        var hasMore = rows.Count > request.Limit;
        var page = rows.Take(request.Limit).ToList();
        var next = hasMore ? page[^1].Seq.ToString(CultureInfo.InvariantCulture) : null;
        return Task.FromResult(new OrderPage(page.Select(r => r.Order).ToList(), next));
    }

    public async IAsyncEnumerable<Order> StreamBySaleAsync(Guid saleId, bool newestFirst,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        // One reader over the index range: WAL gives it a stable snapshot while purchases go on.
        await using var connection = db.Open();
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM orders WHERE sale_id = $sale ORDER BY seq {(newestFirst ? "DESC" : "ASC")}";
        Add(command, "$sale", Id(saleId));
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            yield return Read(reader);
        }
    }

    public Task<IReadOnlyList<Order>> FirstConfirmedAsync(Guid saleId, int limit, CancellationToken ct) =>
        Task.FromResult(Query($"SELECT {Columns} FROM orders WHERE sale_id = $sale AND status = 0 ORDER BY seq LIMIT $limit",
            c =>
            {
                Add(c, "$sale", Id(saleId));
                Add(c, "$limit", limit);
            }).Select(o => o.Order).ToList() as IReadOnlyList<Order>);

    private List<(long Seq, Order Order)> Query(string sql, Action<SqliteCommand> bind)
    {
        using var connection = db.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        bind(command);
        using var reader = command.ExecuteReader();
        var rows = new List<(long, Order)>();
        while (reader.Read())
        {
            rows.Add((reader.GetInt64(0), Read(reader)));
        }

        return rows;
    }

    internal static Order Read(SqliteDataReader r) => new()
    {
        Id = SqliteValues.Guid(r, 1),
        SaleId = SqliteValues.Guid(r, 2),
        UserId = r.GetString(3),
        Username = r.GetString(4),
        Quantity = r.GetInt32(5),
        UnitPrice = FromMinor(r.GetInt64(6)),
        Currency = r.GetString(7),
        PurchasedAt = FromMs(r.GetInt64(8)),
        RemainingAfter = r.GetInt32(9),
        IdempotencyKey = NullableString(r, 10),
        Status = (OrderStatus)r.GetInt32(11),
        CancelledAt = NullableTime(r, 12),
        CancelledBy = NullableString(r, 13),
    };
}
