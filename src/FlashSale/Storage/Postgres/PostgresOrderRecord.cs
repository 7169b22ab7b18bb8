using FlashSale.Orders;
using Npgsql;
using NpgsqlTypes;

namespace FlashSale.Storage.Postgres;

/// <summary>The writes of the distributed record: order batches from the persister, cancels, and the reads a rebuild needs.</summary>
public sealed class PostgresOrderRecord(NpgsqlDataSource db, SaleChangeListener? saleChanges = null)
{
    /// <summary>
    /// Inserts a batch in one statement and one transaction (<see cref="InsertSql"/>). A row
    /// already there (a redelivered outbox entry) changes nothing and counts as present. Returns, per order id, whether
    /// it is now in the record; false means the record refused it: a unique constraint, or (<see cref="BatchOutcome.Overdrawn"/>)
    /// the sale's stock or a buyer's limit, which the ledger that decided it did not know had been reached (G1, G2), or a key
    /// the record holds for another order, which it did not know (G5).
    /// </summary>
    public async Task<BatchOutcome> InsertBatchAsync(IReadOnlyList<DecidedOrder> batch, CancellationToken ct)
    {
        await using var command = db.CreateCommand(InsertSql);
        AddInsertParameters(command.Parameters, batch);

        // The rows this statement inserted; a redelivered entry's row is already there and is looked up below.
        var present = new HashSet<Guid>();
        var overdrawn = new Dictionary<Guid, string>();
        // Left out by a unique constraint (verdict 3): of the sale's current epoch, within its stock and limit.
        var constrained = new HashSet<Guid>();
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                var id = reader.GetGuid(0);
                switch (reader.GetInt16(1))
                {
                    case Inserted:
                        present.Add(id);
                        break;
                    case OverStock:
                        overdrawn[id] = $"over the stock: the record holds confirmed orders for the sale's {reader.GetInt32(2)} units, " +
                            "and this one would exceed it (the ledger that decided it had not counted them all: a failover to a lagging replica?)";
                        break;
                    case OverLimit:
                        overdrawn[id] = $"over the per-user limit: the buyer's confirmed units in the record would exceed {reader.GetInt32(3)} " +
                            "(the ledger that decided it had not counted them all: a failover to a lagging replica?)";
                        break;
                    default:
                        constrained.Add(id);
                        break;
                }
            }
        }

        var missing = batch.Select(b => b.Order.Id).Where(id => !present.Contains(id) && !overdrawn.ContainsKey(id)).ToArray();
        if (missing.Length > 0)
        {
            // Rows already there (a redelivery, or another persister's commit during this statement, which its
            // snapshot could not see): a fresh statement sees them. Missing still means a constraint refused it.
            // Through orders_present, planned at every call: this statement, auto-prepared on its connection, could
            // keep a generic plan made while the table was small (a sequential scan), as that function's query did.
            await using (var again = db.CreateCommand("SELECT id FROM orders_present($1)"))
            {
                again.Parameters.AddWithValue(missing);
                await using var reader = await again.ExecuteReaderAsync(ct);
                while (await reader.ReadAsync(ct))
                {
                    present.Add(reader.GetGuid(0));
                }
            }

            await KeyRecordedAsync(batch.Where(b => constrained.Contains(b.Order.Id) && !present.Contains(b.Order.Id)).ToList(), overdrawn, ct);
        }

        return new BatchOutcome(batch.ToDictionary(b => b.Order.Id, b => present.Contains(b.Order.Id)), overdrawn);
    }

    /// <summary>
    /// Among orders of the sale's current epoch a unique constraint left out, the ones whose buyer's Idempotency-Key the record already holds for
    /// another order: the ledger that decided them did not know the key, and is as stale as one that did not know the
    /// units (<see cref="BatchOutcome.Overdrawn"/>: its state is dropped and rebuilt, which replays the key). A failover to a
    /// lagging replica: a lagged buyer's retry of a unit below the limit passes the stock and the limit, and only the key
    /// tells it was bought. Until 2026-12-06 the key's unique index refused it silently, the stale state stayed, the key
    /// was let go and decided afresh at each retry: answered 503, 503, then <c>limit_reached</c> instead of its order, the
    /// stale holds under-selling the sale until a reconciliation (<c>LaggingReplicaFailoverTests</c>). Read only when a
    /// constraint refused something, so the insert's statement pays nothing for it.
    /// </summary>
    private async Task KeyRecordedAsync(List<DecidedOrder> refused, Dictionary<Guid, string> overdrawn, CancellationToken ct)
    {
        var keyed = refused.Where(b => b.Order.IdempotencyKey is not null).ToList();
        if (keyed.Count == 0)
        {
            return;
        }

        await using var command = db.CreateCommand("""
            SELECT k.n FROM unnest($2::text[], $3::text[], $4::uuid[]) WITH ORDINALITY AS k(user_id, idempotency_key, id, n)
            WHERE EXISTS (SELECT 1 FROM orders o WHERE o.sale_id = $1 AND o.user_id = k.user_id
                                                   AND o.idempotency_key = k.idempotency_key AND o.id <> k.id)
            """);
        command.Parameters.AddWithValue(keyed[0].Order.SaleId);
        command.Parameters.AddWithValue(keyed.Select(b => b.Order.UserId).ToArray());
        command.Parameters.AddWithValue(keyed.Select(b => b.Order.IdempotencyKey!).ToArray());
        command.Parameters.AddWithValue(keyed.Select(b => b.Order.Id).ToArray());
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            overdrawn[keyed[(int)reader.GetInt64(0) - 1].Order.Id] = "Idempotency-Key already recorded: the record holds another order of " +
                "this buyer under this key (the ledger that decided it did not know the key: a failover to a lagging replica?)";
        }
    }

    private const short Inserted = 0;
    private const short OverStock = 1;
    private const short OverLimit = 2;

    /// <summary>
    /// The persister's batch insert. The sale's row is locked FOR NO KEY UPDATE for the transaction, before any row takes
    /// its <c>seq</c>:
    /// <list type="bullet">
    /// <item>Batches of one sale commit one after another, in <c>seq</c> order, so the orders of a sale any statement sees
    /// are the first ones by <c>seq</c> and a keyset cursor over <c>(sale_id, seq)</c> never passes an order that commits
    /// later. <c>seq</c> is taken at the insert, not at the commit: two instances' persisters inserting one sale's batches
    /// at once (FOR KEY SHARE, as until 2026-12-06, does not conflict with itself) committed a lower seq after a higher
    /// one, and an admin reading the orders oldest first, page by page, never saw it (<c>AdminOrderPagesAcrossInstancesTests</c>).
    /// One row lock per batch; within one instance a sale's batches never overlap anyway. It waits behind an admin's
    /// write of the sale (an UPDATE's own FOR NO KEY UPDATE) and a rebuild's epoch advance, each one short statement;
    /// the orders' foreign key checks (FOR KEY SHARE) do not conflict with it.</item>
    /// <item>Only orders decided under the sale's current ledger epoch (migration 6) are recorded: a rebuild advancing the
    /// epoch (FOR UPDATE) waits for this statement to commit before it reads the orders, or this statement waits for the
    /// rebuild and reads the new epoch. An entry of no epoch (written before version 6) is not fenced.</item>
    /// <item>G1 and G2 hold here whatever the ledger decided (migration 9): Redis's replication is asynchronous, and a
    /// replica promoted by a failover sold again units the record already held. Entries are taken in the batch's
    /// (the stream's) order: an entry is refused when the buyer's confirmed units in the sale (<c>sale_buyer_units</c>, one
    /// primary-key lookup per buyer of the batch, read by <c>sale_buyers_units</c> with a snapshot taken after the lock:
    /// the statement's own, taken before, missed a batch another instance committed while this one waited) plus theirs earlier in the batch would exceed the per-user limit, or
    /// when the sale's confirmed units (<c>sale_units</c>, kept by triggers on orders, its row locked with the sale's:
    /// read as locked, its latest version) plus the batch's
    /// earlier entries within their limit would exceed the stock; once one does not fit, no later one does (no later
    /// buyer passes an earlier one). An entry already recorded (a redelivery) is left out of both sums, and is present;
    /// which are is read after the lock too (<c>orders_present</c>, migration 10): the same entries committed by another
    /// persister while this one waited (a claim of a slow one's entries) were counted twice and refused until 2026-12-06.
    /// Each entry decided here comes back with its verdict (0 inserted, 1 over the stock, 2 over the limit, 3 left out
    /// by a unique constraint), with the sale's stock and limit; an entry of another epoch or already present does
    /// not come back.</item>
    /// </list>
    /// The lock is a CTE joined to every row (LEFT JOIN: a sale the record lacks still leaves the foreign key to refuse
    /// an unfenced entry, its stock and limit unknown and not checked), not a subquery in WHERE: <c>epoch IS NULL OR …</c>
    /// would skip the subquery, and its lock, for unfenced entries.
    /// </summary>
    internal const string InsertSql = """
        WITH sale AS (SELECT s.ledger_epoch, s.total_stock, s.per_user_limit, u.confirmed AS confirmed_units
                      FROM sales s JOIN sale_units u ON u.sale_id = s.id WHERE s.id = $13
                      FOR NO KEY UPDATE OF s FOR UPDATE OF u),
        batch AS (
            SELECT d.*, sale.total_stock, sale.per_user_limit, sale.confirmed_units
            FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::int[], $6::numeric[], $7::text[],
                        $8::timestamptz[], $9::int[], $10::text[], $11::boolean[], $12::bigint[]) WITH ORDINALITY
                 AS d(id, sale_id, user_id, username, quantity, unit_price, currency, purchased_at, remaining_after,
                      idempotency_key, limit_one, epoch, n)
                 LEFT JOIN sale ON true
            WHERE (d.epoch IS NULL OR d.epoch = sale.ledger_epoch)
        ),
        recorded AS (
            SELECT id FROM orders_present(ARRAY(SELECT id FROM batch))
        ),
        fresh AS (
            SELECT b.* FROM batch b WHERE NOT EXISTS (SELECT 1 FROM recorded r WHERE r.id = b.id)
        ),
        held AS (
            SELECT buyer AS user_id, units FROM sale_buyers_units($13, ARRAY(SELECT DISTINCT user_id FROM fresh))
        ),
        within_limit AS (
            SELECT f.*, h.units + SUM(f.quantity) OVER (PARTITION BY f.user_id ORDER BY f.n) <= f.per_user_limit AS fits_limit
            FROM fresh f JOIN held h USING (user_id)
        ),
        judged AS (
            SELECT w.*, w.confirmed_units + SUM(w.quantity) FILTER (WHERE w.fits_limit IS NOT FALSE) OVER (ORDER BY w.n)
                        <= w.total_stock AS fits_stock
            FROM within_limit w
        ),
        inserted AS (
            INSERT INTO orders (id, sale_id, user_id, username, quantity, unit_price, currency, purchased_at,
                                remaining_after, idempotency_key, limit_one)
            SELECT id, sale_id, user_id, username, quantity, unit_price, currency, purchased_at, remaining_after,
                   idempotency_key, limit_one
            FROM judged
            WHERE fits_limit IS NOT FALSE AND fits_stock IS NOT FALSE
            ORDER BY n
            ON CONFLICT DO NOTHING
            RETURNING id
        )
        SELECT j.id,
               (CASE WHEN i.id IS NOT NULL THEN 0 WHEN NOT j.fits_limit THEN 2 WHEN NOT j.fits_stock THEN 1 ELSE 3 END)::smallint,
               j.total_stock, j.per_user_limit
        FROM judged j LEFT JOIN inserted i ON i.id = j.id
        """;

    /// <summary>The batch as <see cref="InsertSql"/>'s parameters, one array per column.</summary>
    internal static void AddInsertParameters(NpgsqlParameterCollection p, IReadOnlyList<DecidedOrder> batch)
    {
        p.Add(new NpgsqlParameter { Value = batch.Select(b => b.Order.Id).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid });
        p.Add(new NpgsqlParameter { Value = batch.Select(b => b.Order.SaleId).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid });
        p.Add(new NpgsqlParameter { Value = batch.Select(b => b.Order.UserId).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        p.Add(new NpgsqlParameter { Value = batch.Select(b => b.Order.Username).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        p.Add(new NpgsqlParameter { Value = batch.Select(b => b.Order.Quantity).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Integer });
        p.Add(new NpgsqlParameter { Value = batch.Select(b => b.Order.UnitPrice).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Numeric });
        p.Add(new NpgsqlParameter { Value = batch.Select(b => b.Order.Currency).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        p.Add(new NpgsqlParameter { Value = batch.Select(b => b.Order.PurchasedAt.UtcDateTime).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz });
        p.Add(new NpgsqlParameter { Value = batch.Select(b => b.Order.RemainingAfter).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Integer });
        p.Add(new NpgsqlParameter { Value = batch.Select(b => (object?)b.Order.IdempotencyKey ?? DBNull.Value).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        p.Add(new NpgsqlParameter { Value = batch.Select(b => b.LimitOne).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Boolean });
        p.Add(new NpgsqlParameter { Value = batch.Select(b => (object?)b.Epoch ?? DBNull.Value).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });
        p.Add(new NpgsqlParameter { Value = batch[0].Order.SaleId, NpgsqlDbType = NpgsqlDbType.Uuid });
    }

    /// <summary>
    /// Folds up to <paramref name="maxBatches"/> pending batches of stats changes into the aggregates
    /// (migration 0003, <c>stats_catch_up</c>); returns how many it folded.
    /// </summary>
    public async Task<int> CatchUpStatsAsync(int maxBatches, CancellationToken ct)
    {
        await using var command = db.CreateCommand("SELECT stats_catch_up($1)");
        command.Parameters.AddWithValue(maxBatches);
        return (int)(await command.ExecuteScalarAsync(ct))!;
    }

    /// <summary>Marks a confirmed order cancelled; 1 only for the cancel that changed the row.</summary>
    public async Task<int> CancelAsync(Guid orderId, DateTimeOffset at, string by, CancellationToken ct)
    {
        await using var command = db.CreateCommand(
            "UPDATE orders SET status = 2, cancelled_at = $2, cancelled_by = $3 WHERE id = $1 AND status = 0");
        command.Parameters.AddWithValue(orderId);
        command.Parameters.AddWithValue(PgValues.Ms(at));
        command.Parameters.AddWithValue(by);
        return await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// Whether the order is in the record, answered within <paramref name="within"/>: false when PostgreSQL fails or
    /// does not answer in time. A lookup past its bound is abandoned, never cancelled: Npgsql cancels a command by
    /// sending PostgreSQL a cancel request from the cancelling thread and waiting there until the server closes that
    /// connection, which a stalled server (accepts, never replies) does not do. Every cancelled lookup then held a
    /// thread-pool thread for the whole stall, and purchases waiting on their orders starved the instance: no answer
    /// at all instead of 503 (<c>RecordStallTests</c>). The abandoned query ends when the server answers or the
    /// connection breaks; it has no command timeout, whose expiry would cancel the same way.
    /// </summary>
    public async Task<bool> ExistsWithinAsync(Guid orderId, TimeSpan within)
    {
        var lookup = Uncancelled("SELECT 1 FROM orders WHERE id = $1", orderId);
        return await Task.WhenAny(lookup, Task.Delay(within, CancellationToken.None)) == lookup && (await lookup).Answer is not null;
    }

    /// <summary>
    /// A <c>SELECT 1</c> that is never cancelled (see <see cref="ExistsWithinAsync"/>): null when PostgreSQL answered,
    /// else why not. The caller bounds the wait and does not start another while one is outstanding.
    /// </summary>
    public async Task<Exception?> PingUncancelledAsync() => (await Uncancelled("SELECT 1", null)).Failure;

    /// <summary>Closes the pool's idle connections, and its busy ones as they are returned: the next open connects afresh.</summary>
    public void ClearPool() => db.Clear();

    private async Task<(object? Answer, Exception? Failure)> Uncancelled(string sql, Guid? parameter)
    {
        try
        {
            await using var command = db.CreateCommand(sql);
            command.CommandTimeout = 0;
            if (parameter is { } value)
            {
                command.Parameters.AddWithValue(value);
            }

            return (await command.ExecuteScalarAsync(CancellationToken.None), null);
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException or InvalidOperationException)
        {
            return (null, ex);
        }
    }

    /// <summary>
    /// Advances the sale's ledger epoch before a rebuild reads its orders; null when the record has no such sale. The
    /// row is locked FOR UPDATE first: that waits for every persister insert holding it FOR NO KEY UPDATE (a batch read from
    /// the outbox before the state was lost) to commit, so the orders read next include them, and a later insert of an
    /// older epoch's entries is refused (<see cref="InsertBatchAsync"/>).
    /// </summary>
    public async Task<long?> AdvanceLedgerEpochAsync(Guid saleId, CancellationToken ct)
    {
        await using var command = db.CreateCommand("""
            WITH locked AS (SELECT id FROM sales WHERE id = $1 FOR UPDATE)
            UPDATE sales s SET ledger_epoch = s.ledger_epoch + 1 FROM locked WHERE s.id = locked.id
            RETURNING s.ledger_epoch
            """);
        command.Parameters.AddWithValue(saleId);
        return await command.ExecuteScalarAsync(ct) is long epoch ? epoch : null;
    }

    /// <summary>The sale's ledger epoch now (null: no such sale): why an insert left an order out.</summary>
    public async Task<long?> LedgerEpochAsync(Guid saleId, CancellationToken ct)
    {
        await using var command = db.CreateCommand("SELECT ledger_epoch FROM sales WHERE id = $1");
        command.Parameters.AddWithValue(saleId);
        return await command.ExecuteScalarAsync(ct) is long epoch ? epoch : null;
    }

    /// <summary>Every order of a sale, for rebuilding its ledger state.</summary>
    public async Task<IReadOnlyList<Order>> ListSaleOrdersAsync(Guid saleId, CancellationToken ct)
    {
        await using var command = db.CreateCommand($"SELECT {PostgresOrderStore.Columns} FROM orders WHERE sale_id = $1 ORDER BY seq");
        command.Parameters.AddWithValue(saleId);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var orders = new List<Order>();
        while (await reader.ReadAsync(ct))
        {
            orders.Add(PostgresOrderStore.Read(reader));
        }

        return orders;
    }

    /// <summary>Confirmed units of one sale (an index range scan on (sale_id, seq) over confirmed orders).</summary>
    public async Task<int> SoldAsync(Guid saleId, CancellationToken ct)
    {
        await using var command = db.CreateCommand("SELECT COALESCE(SUM(quantity), 0)::int FROM orders WHERE sale_id = $1 AND status = 0");
        command.Parameters.AddWithValue(saleId);
        return (int)(await command.ExecuteScalarAsync(ct))!;
    }

    /// <summary>Development reset: every sale and order and their aggregates; accounts stay.</summary>
    public async Task WipeAsync(CancellationToken ct)
    {
        await using var command = db.CreateCommand(
            "TRUNCATE orders, sale_units, sale_buyer_units, sales, sale_totals, daily_totals, buyer_totals, stats_pending; UPDATE stats_counters SET unique_buyers = 0;");
        try
        {
            await command.ExecuteNonQueryAsync(ct);
        }
        finally
        {
            // Other instances forget theirs on the TRUNCATE's notice; this one reads its own reset at once.
            saleChanges?.Rows.Invalidate();
        }
    }
}

/// <summary>An order the ledger decided, as carried by the outbox to the record.</summary>
/// <summary>
/// An order the ledger decided, as its outbox entry reads back: <see cref="Epoch"/> is the sale's ledger epoch it was
/// decided under (null in entries written before migration 6).
/// </summary>
public sealed record DecidedOrder(Order Order, bool LimitOne, long? Epoch = null);

/// <summary>
/// What <see cref="PostgresOrderRecord.InsertBatchAsync"/> did with a batch: per order id, whether it is now in the record;
/// and, among those that are not, the ones refused because recording them would exceed the sale's stock or the buyer's
/// limit (G1, G2), or because the buyer's Idempotency-Key already stands for another order (G5), with why. Such a refusal
/// means the ledger that decided them disagrees with the record.
/// </summary>
public sealed record BatchOutcome(Dictionary<Guid, bool> Present, Dictionary<Guid, string> Overdrawn);
