using FlashSale.Sales;
using Npgsql;

namespace FlashSale.Storage.Postgres;

public sealed class PostgresSaleStore(NpgsqlDataSource db) : ISaleStore
{
    private const string Columns =
        "id, sku, product_name, description, price, currency, image_url, total_stock, per_user_limit, starts_at, ends_at, created_at";

    public async Task<IReadOnlyList<Sale>> ListAsync(CancellationToken ct)
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
        await using var command = db.CreateCommand($"SELECT {Columns} FROM sales WHERE id = $1");
        command.Parameters.AddWithValue(id);
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? Read(reader) : null;
    }

    public async Task<bool> TryCreateAsync(Sale sale, CancellationToken ct)
    {
        await using var command = db.CreateCommand($"""
            INSERT INTO sales ({Columns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
            ON CONFLICT DO NOTHING
            """);
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
        return await command.ExecuteNonQueryAsync(ct) == 1;
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
