using FlashSale.Common;
using System.Globalization;
using FlashSale.Orders;
using Npgsql;

namespace FlashSale.Storage.Postgres;

public sealed class PostgresOrderStore(PostgresRequests db) : IOrderStore
{
    internal const string Columns =
        "seq, id, sale_id, user_id, username, quantity, unit_price, currency, purchased_at, remaining_after, idempotency_key, status, cancelled_at, cancelled_by";

    public Task<OrderPage?> ListByUserAsync(string userId, int limit, Guid? after, CancellationToken ct) =>
        db.RunAsync(c => ListByUserCore(userId, limit, after, c), ct);

    private async Task<OrderPage?> ListByUserCore(string userId, int limit, Guid? after, CancellationToken ct)
    {
        // Keyset on (user_id, seq), the index ix_orders_user; the cursor is the buyer's own order, looked up by id.
        // Newest first only, so seq taken at the insert, not at the commit, skips nothing here, although a buyer's orders
        // in two sales are inserted by batches that do not wait for each other (only one sale's batches do): an order
        // committing during a walk below its cursor comes on a later page, and one above it is newer than the walk's
        // first page, as an order placed after the walk began, and is on the first page of the next walk. No cursor
        // goes the other way (newer than), which a late commit of a lower seq could pass for good.
        List<(long Seq, Order Order)> rows;
        if (after is { } id)
        {
            var cursor = await QueryAsync($"SELECT {Columns} FROM orders WHERE id = $1 AND user_id = $2", ct, id, userId);
            if (cursor.Count == 0)
            {
                return null;
            }

            rows = await QueryAsync($"SELECT {Columns} FROM orders WHERE user_id = $1 AND seq < $3 ORDER BY seq DESC LIMIT $2", ct,
                userId, limit + 1, cursor[0].Seq);
        }
        else
        {
            rows = await QueryAsync($"SELECT {Columns} FROM orders WHERE user_id = $1 ORDER BY seq DESC LIMIT $2", ct, userId, limit + 1);
        }

        var next = rows.Count > limit ? rows[limit - 1].Order.Id.ToString("D") : null;
        return new OrderPage(rows.Take(limit).Select(r => r.Order).ToList(), next);
    }

    public async Task<IReadOnlyList<Order>> ListByUserAndSaleAsync(string userId, Guid saleId, CancellationToken ct) =>
        (await BoundQueryAsync($"SELECT {Columns} FROM orders WHERE user_id = $1 AND sale_id = $2 ORDER BY seq", ct, userId, saleId))
        .Select(r => r.Order).ToList();

    public async Task<Order?> FindAsync(Guid orderId, CancellationToken ct) =>
        (await BoundQueryAsync($"SELECT {Columns} FROM orders WHERE id = $1", ct, orderId)).Select(r => r.Order).FirstOrDefault();

    public Task<OrderPage> ListBySaleAsync(Guid saleId, OrderPageRequest request, CancellationToken ct) =>
        db.RunAsync(c => ListBySaleCore(saleId, request, c), ct);

    private async Task<OrderPage> ListBySaleCore(Guid saleId, OrderPageRequest request, CancellationToken ct)
    {
        // Keyset pagination on seq, as the embedded store. Oldest first, a cursor passes for good every seq below it, so
        // this relies on a sale's orders committing in seq order: the persister's insert locks the sale's row for its
        // transaction (PostgresOrderRecord.InsertSql), and the orders any statement sees are the sale's first by seq.
        // Without that, two instances' batches of one sale committed out of seq order, and an order committed after a
        // page whose cursor had passed it was never listed (AdminOrderPagesAcrossInstancesTests). Newest first is safe
        // as the buyer's list is (ListByUserAsync).
        long? after = PlainNumber.TryParse(request.Cursor, out long c) ? c : null;
        var comparison = request.NewestFirst ? "<" : ">";
        var direction = request.NewestFirst ? "DESC" : "ASC";
        var rows = after is null
            ? await QueryAsync($"SELECT {Columns} FROM orders WHERE sale_id = $1 ORDER BY seq {direction} LIMIT $2", ct,
                saleId, request.Limit + 1)
            : await QueryAsync($"SELECT {Columns} FROM orders WHERE sale_id = $1 AND seq {comparison} $3 ORDER BY seq {direction} LIMIT $2", ct,
                saleId, request.Limit + 1, after.Value);
        var hasMore = rows.Count > request.Limit;
        var page = rows.Take(request.Limit).ToList();
        var next = hasMore ? page[^1].Seq.ToString(CultureInfo.InvariantCulture) : null;
        return new OrderPage(page.Select(r => r.Order).ToList(), next);
    }

    public async IAsyncEnumerable<Order> StreamBySaleAsync(Guid saleId, bool newestFirst,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        // One reader over the index range, rows streamed as they arrive (the result is never buffered whole). Its first
        // answer is bounded like every request's read; a reader that comes after the bound is closed, its connection freed.
        // The command is made inside the bounded work, so a late one is disposed with its reader, never under it.
        var (command, reader) = await db.RunAsync(async c =>
        {
            var made = db.CreateCommand($"SELECT {Columns} FROM orders WHERE sale_id = $1 ORDER BY seq {(newestFirst ? "DESC" : "ASC")}");
            made.Parameters.AddWithValue(saleId);
            return (made, await made.ExecuteReaderAsync(c));
        }, ct, abandoned: async late =>
        {
            await late.Item2.DisposeAsync();
            await late.Item1.DisposeAsync();
        });
        await using var query = command;
        await using var rows = reader;
        while (await rows.ReadAsync(ct))
        {
            yield return Read(rows);
        }
    }

    public async Task<IReadOnlyList<Order>> FirstConfirmedAsync(Guid saleId, int limit, CancellationToken ct) =>
        // A range scan of (sale, seq), filtered on status. The sale's orders commit in seq order (ListBySaleAsync), so a
        // buyer shown here is never later pushed down by an order committed after it with a lower seq.
        (await BoundQueryAsync($"SELECT {Columns} FROM orders WHERE sale_id = $1 AND status = 0 ORDER BY seq LIMIT $2", ct, saleId, limit))
        .Select(r => r.Order).ToList();

    /// <summary>One query as a request's whole read (<see cref="PostgresRequests.RunAsync{T}"/>).</summary>
    private Task<List<(long Seq, Order Order)>> BoundQueryAsync(string sql, CancellationToken ct, params object[] args) =>
        db.RunAsync(c => QueryAsync(sql, c, args), ct);

    private async Task<List<(long Seq, Order Order)>> QueryAsync(string sql, CancellationToken ct, params object[] args)
    {
        await using var command = db.CreateCommand(sql);
        foreach (var arg in args)
        {
            command.Parameters.AddWithValue(arg);
        }

        await using var reader = await command.ExecuteReaderAsync(ct);
        var rows = new List<(long, Order)>();
        while (await reader.ReadAsync(ct))
        {
            rows.Add((reader.GetInt64(0), Read(reader)));
        }

        return rows;
    }

    internal static Order Read(NpgsqlDataReader r) => new()
    {
        Id = r.GetGuid(1),
        SaleId = r.GetGuid(2),
        UserId = r.GetString(3),
        Username = r.GetString(4),
        Quantity = r.GetInt32(5),
        UnitPrice = PgValues.Money(r.GetDecimal(6)),
        Currency = r.GetString(7),
        PurchasedAt = PgValues.Time(r, 8),
        RemainingAfter = r.GetInt32(9),
        IdempotencyKey = PgValues.NullableString(r, 10),
        Status = r.GetInt16(11) == 2 ? OrderStatus.Cancelled : OrderStatus.Confirmed,
        CancelledAt = PgValues.NullableTime(r, 12),
        CancelledBy = PgValues.NullableString(r, 13),
    };
}
