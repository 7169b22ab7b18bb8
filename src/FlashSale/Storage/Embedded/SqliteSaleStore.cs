using FlashSale.Sales;
using Microsoft.Data.Sqlite;
using static FlashSale.Storage.Embedded.SqliteValues;

namespace FlashSale.Storage.Embedded;

public sealed class SqliteSaleStore(SqliteDatabase db) : ISaleStore
{
    private const string Columns =
        "id, sku, product_name, description, price_minor, currency, image_url, total_stock, per_user_limit, starts_at, ends_at, created_at";

    public Task<IReadOnlyList<Sale>> ListAsync(CancellationToken ct)
    {
        if (db.SaleRows.TryGetList(out var known))
        {
            return Task.FromResult(known);
        }

        var readAt = db.SaleRows.Version;
        using var connection = db.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM sales ORDER BY starts_at, created_at";
        using var reader = command.ExecuteReader();
        var sales = new List<Sale>();
        while (reader.Read())
        {
            sales.Add(Read(reader));
        }

        return Task.FromResult(db.SaleRows.RememberList(sales, readAt));
    }

    public Task<Sale?> FindAsync(Guid id, CancellationToken ct)
    {
        if (db.SaleRows.TryGet(id, out var known))
        {
            return Task.FromResult<Sale?>(known);
        }

        var readAt = db.SaleRows.Version;
        using var connection = db.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM sales WHERE id = $id";
        Add(command, "$id", Id(id));
        using var reader = command.ExecuteReader();
        if (!reader.Read())
        {
            return Task.FromResult<Sale?>(null);
        }

        var sale = Read(reader);
        db.SaleRows.Remember(sale, readAt);
        return Task.FromResult<Sale?>(sale);
    }

    public Task<bool> TryCreateAsync(Sale sale, CancellationToken ct)
    {
        using var connection = db.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"""
            INSERT INTO sales ({Columns})
            VALUES ($id, $sku, $name, $description, $price, $currency, $image, $stock, $limit, $starts, $ends, $created)
            """;
        Bind(command, sale);
        try
        {
            Write(command);
            return Task.FromResult(true);
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode == 19 /* SQLITE_CONSTRAINT */)
        {
            return Task.FromResult(false);
        }
    }

    public Task<SaleWriteResult> TryUpdateAsync(Sale changed, DateTimeOffset? notEndedAt, CancellationToken ct)
    {
        using var connection = db.Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            UPDATE sales SET sku = $sku, product_name = $name, description = $description, price_minor = $price,
                currency = $currency, image_url = $image, total_stock = $stock, per_user_limit = $limit,
                starts_at = $starts, ends_at = $ends
            WHERE id = $id AND NOT EXISTS (SELECT 1 FROM orders WHERE sale_id = $id) AND ($now IS NULL OR ends_at > $now)
            """;
        Bind(command, changed);
        Add(command, "$now", notEndedAt is { } now ? ToMs(now) : null);
        try
        {
            return Task.FromResult(Write(command) == 1 ? SaleWriteResult.Done : WhyNotUpdated(connection, changed.Id, notEndedAt is not null));
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode == 19 /* SQLITE_CONSTRAINT: the sku */)
        {
            return Task.FromResult(SaleWriteResult.SkuTaken);
        }
    }

    public Task<SaleWriteResult> TryChangeStockAsync(Guid id, int totalStock, DateTimeOffset endsAt, DateTimeOffset now,
        CancellationToken ct)
    {
        using var connection = db.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "UPDATE sales SET total_stock = $stock, ends_at = $ends WHERE id = $id AND ends_at > $now";
        Add(command, "$id", Id(id));
        Add(command, "$stock", totalStock);
        Add(command, "$ends", ToMs(endsAt));
        Add(command, "$now", ToMs(now));
        return Task.FromResult(Write(command) == 1 ? SaleWriteResult.Done
            : WhyNot(connection, id) == SaleWriteResult.NotFound ? SaleWriteResult.NotFound : SaleWriteResult.Ended);
    }

    public Task<Sale?> EndAsync(Guid id, DateTimeOffset at, CancellationToken ct)
    {
        // The ended row comes back from the UPDATE, and the commit is the last step: once the end is committed nothing
        // can fail, so an exception means the record did not end the sale (a read after the commit could fail after it).
        using var connection = db.Open();
        try
        {
            using var tx = connection.BeginTransaction();
            using var command = connection.CreateCommand();
            command.Transaction = tx;
            command.CommandText = $"""
                UPDATE sales SET ends_at = MIN(ends_at, $at), starts_at = MIN(starts_at, $at) WHERE id = $id
                RETURNING {Columns}
                """;
            Add(command, "$id", Id(id));
            Add(command, "$at", ToMs(at));
            Sale? ended;
            using (var reader = command.ExecuteReader())
            {
                ended = reader.Read() ? Read(reader) : null;
            }

            tx.Commit();
            return Task.FromResult(ended);
        }
        finally
        {
            // After the commit, so no read between the write and its commit is remembered past it.
            db.SaleRows.Invalidate();
        }
    }

    public Task<SaleWriteResult> TryDeleteAsync(Guid id, CancellationToken ct)
    {
        using var connection = db.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM sales WHERE id = $id AND NOT EXISTS (SELECT 1 FROM orders WHERE sale_id = $id)";
        Add(command, "$id", Id(id));
        return Task.FromResult(Write(command) == 1 ? SaleWriteResult.Done : WhyNot(connection, id));
    }

    /// <summary>Every write to sales: the remembered rows end after it, whether it changed a row, failed or threw.</summary>
    private int Write(SqliteCommand command)
    {
        try
        {
            return command.ExecuteNonQuery();
        }
        finally
        {
            db.SaleRows.Invalidate();
        }
    }

    /// <summary>
    /// After an update changed nothing: the sale missing, with orders, or, without orders and with the end condition given
    /// (<paramref name="endChecked"/>), ended.
    /// </summary>
    private static SaleWriteResult WhyNotUpdated(SqliteConnection connection, Guid id, bool endChecked)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT EXISTS (SELECT 1 FROM orders WHERE sale_id = $id) FROM sales WHERE id = $id";
        Add(command, "$id", Id(id));
        return command.ExecuteScalar() switch
        {
            null => SaleWriteResult.NotFound,
            var orders when Int(orders) == 1 || !endChecked => SaleWriteResult.HasOrders,
            _ => SaleWriteResult.Ended,
        };
    }

    /// <summary>After a conditional write changed nothing: was the sale missing, or did it have orders?</summary>
    private static SaleWriteResult WhyNot(SqliteConnection connection, Guid id)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT EXISTS (SELECT 1 FROM sales WHERE id = $id)";
        Add(command, "$id", Id(id));
        return Int(command.ExecuteScalar()) == 1 ? SaleWriteResult.HasOrders : SaleWriteResult.NotFound;
    }

    private static void Bind(SqliteCommand command, Sale sale)
    {
        Add(command, "$id", Id(sale.Id));
        Add(command, "$sku", sale.Sku);
        Add(command, "$name", sale.ProductName);
        Add(command, "$description", sale.Description);
        Add(command, "$price", ToMinor(sale.Price));
        Add(command, "$currency", sale.Currency);
        Add(command, "$image", sale.ImageUrl);
        Add(command, "$stock", sale.TotalStock);
        Add(command, "$limit", sale.PerUserLimit);
        Add(command, "$starts", ToMs(sale.StartsAt));
        Add(command, "$ends", ToMs(sale.EndsAt));
        Add(command, "$created", ToMs(sale.CreatedAt));
    }

    internal static Sale Read(SqliteDataReader r) => new()
    {
        Id = SqliteValues.Guid(r, 0),
        Sku = r.GetString(1),
        ProductName = r.GetString(2),
        Description = r.GetString(3),
        Price = FromMinor(r.GetInt64(4)),
        Currency = r.GetString(5),
        ImageUrl = NullableString(r, 6),
        TotalStock = r.GetInt32(7),
        PerUserLimit = r.GetInt32(8),
        StartsAt = FromMs(r.GetInt64(9)),
        EndsAt = FromMs(r.GetInt64(10)),
        CreatedAt = FromMs(r.GetInt64(11)),
    };
}
