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
        using var connection = db.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM sales ORDER BY starts_at, created_at";
        using var reader = command.ExecuteReader();
        var sales = new List<Sale>();
        while (reader.Read())
        {
            sales.Add(Read(reader));
        }

        return Task.FromResult<IReadOnlyList<Sale>>(sales);
    }

    public Task<Sale?> FindAsync(Guid id, CancellationToken ct)
    {
        using var connection = db.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM sales WHERE id = $id";
        Add(command, "$id", Id(id));
        using var reader = command.ExecuteReader();
        return Task.FromResult(reader.Read() ? Read(reader) : null);
    }

    public Task<bool> TryCreateAsync(Sale sale, CancellationToken ct)
    {
        using var connection = db.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"""
            INSERT INTO sales ({Columns})
            VALUES ($id, $sku, $name, $description, $price, $currency, $image, $stock, $limit, $starts, $ends, $created)
            """;
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
        try
        {
            command.ExecuteNonQuery();
            return Task.FromResult(true);
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode == 19 /* SQLITE_CONSTRAINT */)
        {
            return Task.FromResult(false);
        }
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
