using FlashSale.Sales;
using Npgsql;

namespace FlashSale.Storage.Postgres;

/// <summary>
/// Sales in PostgreSQL. A sale found, and the list, are remembered (<see cref="SaleRowCache"/>) while <see cref="SaleChangeListener"/>
/// hears every instance's writes; this instance's own writes forget them at once, so it reads what it wrote.
/// </summary>
public sealed class PostgresSaleStore(PostgresRequests db, SaleChangeListener changes) : ISaleStore
{
    private const string Columns =
        "id, sku, product_name, description, price, currency, image_url, total_stock, per_user_limit, starts_at, ends_at, created_at";

    /// <summary>The columns <see cref="Read"/> expects, qualified by a table alias (for joins).</summary>
    internal static string QualifiedColumns(string alias) =>
        string.Join(", ", Columns.Split(", ").Select(c => $"{alias}.{c}"));

    public async Task<IReadOnlyList<Sale>> ListAsync(CancellationToken ct)
    {
        if (changes.Rows.TryGetList(out var known))
        {
            return known;
        }

        var readAt = changes.Rows.Version;
        return changes.Rows.RememberList(await db.RunAsync(ReadListAsync, ct), readAt);
    }

    private async Task<List<Sale>> ReadListAsync(CancellationToken ct)
    {
        await using var command = db.CreateCommand($"SELECT {Columns} FROM sales ORDER BY starts_at, created_at");
        await using var reader = await command.ExecuteReaderAsync(ct);
        var sales = new List<Sale>();
        while (await reader.ReadAsync(ct))
        {
            sales.Add(Read(reader));
        }

        return sales;
    }

    public async Task<Sale?> FindAsync(Guid id, CancellationToken ct)
    {
        if (changes.Rows.TryGet(id, out var known))
        {
            return known;
        }

        var readAt = changes.Rows.Version;
        var sale = await FindLatestAsync(id, ct);
        if (sale is not null)
        {
            changes.Rows.Remember(sale, readAt);
        }

        return sale;
    }

    public Task<Sale?> FindLatestAsync(Guid id, CancellationToken ct) => db.RunAsync(c => FindLatestCore(id, c), ct);

    private async Task<Sale?> FindLatestCore(Guid id, CancellationToken ct)
    {
        await using var command = db.CreateCommand($"SELECT {Columns} FROM sales WHERE id = $1");
        command.Parameters.AddWithValue(id);
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? Read(reader) : null;
    }

    public Task<bool> TryCreateAsync(Sale sale, CancellationToken ct) => Written(TryCreateCore(sale, ct));

    private async Task<bool> TryCreateCore(Sale sale, CancellationToken ct)
    {
        await using var command = db.CreateCommand($"""
            INSERT INTO sales ({Columns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
            ON CONFLICT DO NOTHING
            """);
        Bind(command, sale);
        return await command.ExecuteNonQueryAsync(ct) == 1;
    }

    public Task<SaleWriteResult> TryUpdateAsync(Sale changed, DateTimeOffset? notEndedAt, CancellationToken ct) =>
        Written(TryUpdateCore(changed, notEndedAt, ct));

    private async Task<SaleWriteResult> TryUpdateCore(Sale changed, DateTimeOffset? notEndedAt, CancellationToken ct)
    {
        // The "no order" and "not ended" conditions are part of the statement. An order inserted meanwhile holds a
        // key-share lock on the sale (its foreign key), so the update waits for it and then sees it.
        await using var command = db.CreateCommand("""
            UPDATE sales SET sku = $2, product_name = $3, description = $4, price = $5, currency = $6, image_url = $7,
                total_stock = $8, per_user_limit = $9, starts_at = $10, ends_at = $11
            WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM orders WHERE sale_id = $1)
                AND ($12::timestamptz IS NULL OR ends_at > $12)
            """);
        Bind(command, changed);
        command.Parameters.RemoveAt(11); // created_at is kept
        command.Parameters.AddWithValue(NpgsqlTypes.NpgsqlDbType.TimestampTz, notEndedAt is { } now ? PgValues.Ms(now) : (object)DBNull.Value);
        try
        {
            return await command.ExecuteNonQueryAsync(ct) == 1 ? SaleWriteResult.Done : await WhyNotUpdatedAsync(changed.Id, notEndedAt is not null, ct);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            return SaleWriteResult.SkuTaken;
        }
    }

    public Task<SaleWriteResult> TryChangeStockAsync(Guid id, int totalStock, DateTimeOffset endsAt, DateTimeOffset now,
        CancellationToken ct) => Written(TryChangeStockCore(id, totalStock, endsAt, now, ct));

    private async Task<SaleWriteResult> TryChangeStockCore(Guid id, int totalStock, DateTimeOffset endsAt, DateTimeOffset now,
        CancellationToken ct)
    {
        // The sale's row and its confirmed count locked as the persister's insert locks them (PostgresOrderRecord.InsertSql,
        // the same rows in the same order: no deadlock between the two), so no batch is judged against the old stock while
        // this one compares the count with the new. Whether the sale was there, had ended or sold more is read in the same
        // statement: asked afterwards, a batch or an end in between could give another answer than the one that refused.
        await using var command = db.CreateCommand("""
            WITH sale AS (SELECT s.id, s.ends_at, u.confirmed
                          FROM sales s JOIN sale_units u ON u.sale_id = s.id WHERE s.id = $1
                          FOR NO KEY UPDATE OF s FOR UPDATE OF u),
            changed AS (
                UPDATE sales SET total_stock = $2, ends_at = $3
                FROM sale WHERE sales.id = sale.id AND sale.ends_at > $4 AND sale.confirmed <= $2
                RETURNING sales.id)
            SELECT (SELECT count(*) FROM changed), (SELECT ends_at > $4 FROM sale)
            """);
        command.Parameters.AddWithValue(id);
        command.Parameters.AddWithValue(totalStock);
        command.Parameters.AddWithValue(PgValues.Ms(endsAt));
        command.Parameters.AddWithValue(PgValues.Ms(now));
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return reader.GetInt64(0) == 1 ? SaleWriteResult.Done
            : reader.IsDBNull(1) ? SaleWriteResult.NotFound
            : reader.GetBoolean(1) ? SaleWriteResult.StockBelowSold
            : SaleWriteResult.Ended;
    }

    public Task<Sale?> EndAsync(Guid id, DateTimeOffset at, CancellationToken ct) => Written(EndCore(id, at, ct));

    private async Task<Sale?> EndCore(Guid id, DateTimeOffset at, CancellationToken ct)
    {
        await using var command = db.CreateCommand($"""
            UPDATE sales SET ends_at = LEAST(ends_at, $2), starts_at = LEAST(starts_at, $2) WHERE id = $1
            RETURNING {Columns}
            """);
        command.Parameters.AddWithValue(id);
        command.Parameters.AddWithValue(PgValues.Ms(at));
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? Read(reader) : null;
    }

    public Task<SaleWriteResult> TryDeleteAsync(Guid id, CancellationToken ct) => Written(TryDeleteCore(id, ct));

    private async Task<SaleWriteResult> TryDeleteCore(Guid id, CancellationToken ct)
    {
        await using var command = db.CreateCommand("DELETE FROM sales WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM orders WHERE sale_id = $1)");
        command.Parameters.AddWithValue(id);
        try
        {
            return await command.ExecuteNonQueryAsync(ct) == 1 ? SaleWriteResult.Done : await WhyNotAsync(id, ct);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.ForeignKeyViolation)
        {
            // An order committed while the delete waited: the foreign key refuses, as the condition would have.
            return SaleWriteResult.HasOrders;
        }
    }

    /// <summary>A write to sales, then the remembered sales forgotten: whether it changed a row or not, or failed.</summary>
    private async Task<T> Written<T>(Task<T> write)
    {
        try
        {
            return await write;
        }
        finally
        {
            changes.Rows.Invalidate();
        }
    }

    /// <summary>
    /// After an update changed nothing: the sale missing, with orders, or, without orders and with the end condition given
    /// (<paramref name="endChecked"/>), ended.
    /// </summary>
    private async Task<SaleWriteResult> WhyNotUpdatedAsync(Guid id, bool endChecked, CancellationToken ct)
    {
        await using var command = db.CreateCommand("SELECT EXISTS (SELECT 1 FROM orders WHERE sale_id = $1) FROM sales WHERE id = $1");
        command.Parameters.AddWithValue(id);
        return await command.ExecuteScalarAsync(ct) switch
        {
            true => SaleWriteResult.HasOrders,
            false => endChecked ? SaleWriteResult.Ended : SaleWriteResult.HasOrders,
            _ => SaleWriteResult.NotFound,
        };
    }

    /// <summary>After a conditional write changed nothing: was the sale missing, or did it have orders?</summary>
    private async Task<SaleWriteResult> WhyNotAsync(Guid id, CancellationToken ct)
    {
        await using var command = db.CreateCommand("SELECT EXISTS (SELECT 1 FROM sales WHERE id = $1)");
        command.Parameters.AddWithValue(id);
        return await command.ExecuteScalarAsync(ct) is true ? SaleWriteResult.HasOrders : SaleWriteResult.NotFound;
    }

    private static void Bind(NpgsqlCommand command, Sale sale)
    {
        var p = command.Parameters;
        p.AddWithValue(sale.Id);
        p.AddWithValue(sale.Sku);
        p.AddWithValue(sale.ProductName);
        p.AddWithValue(sale.Description);
        p.AddWithValue(sale.Price);
        p.AddWithValue(sale.Currency);
        p.AddWithValue((object?)sale.ImageUrl ?? DBNull.Value);
        p.AddWithValue(sale.TotalStock);
        p.AddWithValue(sale.PerUserLimit);
        // Millisecond precision, as the embedded store and the ledger keep it.
        p.AddWithValue(PgValues.Ms(sale.StartsAt));
        p.AddWithValue(PgValues.Ms(sale.EndsAt));
        p.AddWithValue(PgValues.Ms(sale.CreatedAt));
    }

    internal static Sale Read(NpgsqlDataReader r) => new()
    {
        Id = r.GetGuid(0),
        Sku = r.GetString(1),
        ProductName = r.GetString(2),
        Description = r.GetString(3),
        Price = PgValues.Money(r.GetDecimal(4)),
        Currency = r.GetString(5),
        ImageUrl = r.IsDBNull(6) ? null : r.GetString(6),
        TotalStock = r.GetInt32(7),
        PerUserLimit = r.GetInt32(8),
        StartsAt = PgValues.Time(r, 9),
        EndsAt = PgValues.Time(r, 10),
        CreatedAt = PgValues.Time(r, 11),
    };
}
