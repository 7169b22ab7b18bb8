using FlashSale.Orders;

namespace FlashSale.Storage.Postgres;

/// <summary>
/// The record answering for ended sales whose Redis state is gone (retired, <c>SaleRetirement</c>; or lost): their
/// confirmed units, a keyed order to replay (also asked after a possible failover, RedisLedger.Failover.cs), and the keys
/// a retirement frees. The first two serve requests and are bounded like their other reads (<see cref="PostgresRequests.RunAsync{T}"/>);
/// the retirement's list of keys is a background sweep's, bounded by its command timeout.
/// </summary>
public sealed class PostgresEndedSales(PostgresRequests db)
{
    /// <summary>
    /// Confirmed units per sale, for many sales in one query (<c>sale_units</c>, kept by the orders' triggers, migration
    /// 9): the home page lists up to 1,000 sales, and one query each was a round trip per ended sale. A sale without a
    /// row counts 0.
    /// </summary>
    public Task<Dictionary<Guid, int>> ConfirmedUnitsAsync(IReadOnlyCollection<Guid> saleIds, CancellationToken ct) =>
        db.RunAsync(c => ConfirmedUnitsCore(saleIds, c), ct);

    private async Task<Dictionary<Guid, int>> ConfirmedUnitsCore(IReadOnlyCollection<Guid> saleIds, CancellationToken ct)
    {
        await using var command = db.CreateCommand("SELECT sale_id, confirmed FROM sale_units WHERE sale_id = ANY($1)");
        command.Parameters.AddWithValue(saleIds.ToArray());
        await using var reader = await command.ExecuteReaderAsync(ct);
        var units = new Dictionary<Guid, int>(saleIds.Count);
        while (await reader.ReadAsync(ct))
        {
            units[reader.GetGuid(0)] = reader.GetInt32(1);
        }

        return units;
    }

    /// <summary>The buyer's order placed with this Idempotency-Key in the sale, if any (the unique index on the three).</summary>
    public Task<Order?> FindKeyedAsync(Guid saleId, string userId, string key, CancellationToken ct) =>
        db.RunAsync(c => FindKeyedCore(saleId, userId, key, c), ct);

    private async Task<Order?> FindKeyedCore(Guid saleId, string userId, string key, CancellationToken ct)
    {
        await using var command = db.CreateCommand(
            $"SELECT {PostgresOrderStore.Columns} FROM orders WHERE sale_id = $1 AND user_id = $2 AND idempotency_key = $3");
        command.Parameters.AddWithValue(saleId);
        command.Parameters.AddWithValue(userId);
        command.Parameters.AddWithValue(key);
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? PostgresOrderStore.Read(reader) : null;
    }

    /// <summary>(user id, Idempotency-Key) of every keyed order of the sale: the Redis keys a retirement deletes.</summary>
    public async Task<List<(string UserId, string Key)>> ListOrderKeysAsync(Guid saleId, CancellationToken ct)
    {
        await using var command = db.CreateCommand(
            "SELECT user_id, idempotency_key FROM orders WHERE sale_id = $1 AND idempotency_key IS NOT NULL");
        command.Parameters.AddWithValue(saleId);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var keys = new List<(string, string)>();
        while (await reader.ReadAsync(ct))
        {
            keys.Add((reader.GetString(0), reader.GetString(1)));
        }

        return keys;
    }
}
