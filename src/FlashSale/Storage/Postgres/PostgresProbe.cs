using FlashSale.Operations;
using Npgsql;

namespace FlashSale.Storage.Postgres;

/// <summary>Ready when PostgreSQL answers a query on a pooled connection.</summary>
internal sealed class PostgresProbe(NpgsqlDataSource db) : IStoreProbe
{
    public string Name => "postgres";

    public async Task CheckAsync(CancellationToken ct)
    {
        await using var command = db.CreateCommand("SELECT 1");
        await command.ExecuteScalarAsync(ct);
    }
}
