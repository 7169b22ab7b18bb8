using FlashSale.Storage.Postgres;
using StackExchange.Redis;

namespace FlashSale.Storage.Redis;

/// <summary>One batch of a sale's outbox into the record: inserted, or refused with the reason kept; then acknowledged and its waiters answered.</summary>
public sealed partial class OutboxPersister
{
    /// <summary>Refused entries kept per sale (approximately: XADD MAXLEN ~), the newest.</summary>
    private const int RefusedKept = 10_000;

    private async Task<bool> PersistAsync(IDatabase db, RedisKey key, Guid saleId, StreamEntry[] entries, CancellationToken ct)
    {
        // Every entry is either recorded or refused, and a refused one is kept in the sale's :refused stream with the
        // reason. An entry no retry can record (malformed, or refused by a constraint of the record) must not stay:
        // left pending, it stalled its batch for ever (and the sale's reconciliation, which waits for an empty
        // outbox); counted as an outage, it had every instance refuse every sale's purchases.
        var refused = new Dictionary<RedisValue, string>();
        var unreadable = new List<Guid>();
        var batch = new List<DecidedOrder>(entries.Length);
        var entryOf = new Dictionary<Guid, RedisValue>(entries.Length);
        var overdrawn = new HashSet<Guid>();
        foreach (var entry in entries)
        {
            try
            {
                var decided = OutboxEntry.Parse(saleId, entry);
                if (entryOf.TryAdd(decided.Order.Id, entry.Id))
                {
                    batch.Add(decided);
                    continue;
                }

                refused[entry.Id] = "duplicate: the same order id as an earlier entry of the batch";
            }
            catch (Exception ex) when (ex is FormatException or OverflowException or ArgumentException)
            {
                refused[entry.Id] = "malformed: " + ex.Message;
                if (OutboxEntry.TryReadOrderId(entry) is { } orderId)
                {
                    unreadable.Add(orderId);
                }
            }

            LogUnreadable(entry.Id.ToString(), saleId, refused[entry.Id]);
        }

        Dictionary<Guid, bool> stored;
        try
        {
            stored = batch.Count == 0 ? [] : await InsertAsync(batch, entryOf, refused, overdrawn, saleId, ct);
            await NameStaleAsync(batch, stored, entryOf, refused, saleId, ct);
            if (batch.Count > 0)
            {
                // Committed (or refused for what the record holds): it answers, whatever the last ping said.
                MarkRecordUp("a batch was committed");
            }
        }
        catch (Exception ex) when (ex is Npgsql.NpgsqlException or TimeoutException)
        {
            MarkRecordDown(ex);
            return false;
        }

        foreach (var (orderId, ok) in stored)
        {
            if (!ok)
            {
                // Not inserted and no exception: ON CONFLICT met a unique constraint (a second limit-one order).
                var why = refused.TryGetValue(entryOf[orderId], out var reason) ? reason : "a unique constraint of the record: the ledger disagreed with it";
                refused[entryOf[orderId]] = why;
                if (overdrawn.Contains(orderId))
                {
                    LogOverdrawn(orderId, saleId, why);
                }
                else
                {
                    LogRefused(orderId, saleId, why);
                }
            }
        }

        if (CrashAfterCommit)
        {
            // Test hook: the worst moment to die — committed in PostgreSQL, not acknowledged in Redis.
            Environment.FailFast("CrashAfterCommit test hook: committed, not acknowledged.");
        }

        var ids = entries.Select(e => e.Id).ToArray();
        // Deleted once recorded: the stream's length is what is not yet in PostgreSQL. XACK and XDEL
        // in one MULTI/EXEC: acknowledged-but-not-deleted entries (a kill or a Redis crash between
        // two separate commands) are never read again, yet would count as unrecorded for ever and
        // block reconciliation's repair of the sale.
        // The refused entries are copied to the sale's :refused stream in the same MULTI (one hash tag, one slot).
        var done = db.CreateTransaction();
        var kept = entries.Where(e => refused.ContainsKey(e.Id)).Select(e => done.StreamAddAsync(RedisKeys.Refused(saleId),
            [.. e.Values, new("why", refused[e.Id]), new("entry", e.Id)], maxLength: RefusedKept, useApproximateMaxLength: true)).ToList();
        // A refused order's Idempotency-Key is let go with it: its purchase was answered 503 ("nothing was bought"),
        // so a retry with the same key must be decided afresh, not replay an order that will never exist (it waited
        // for the record and answered 202 pending, every time).
        var released = batch.Where(o => o.Order.IdempotencyKey is not null && !stored[o.Order.Id])
            .Select(o => done.KeyDeleteAsync(RedisKeys.Idempotency(saleId, o.Order.UserId, o.Order.IdempotencyKey!))).ToList();
        // Over the stock or a buyer's limit in the record: the state that decided it is not the record's (a failover to a
        // lagging replica: its stock, holds and keys older than the orders recorded), and would go on selling what the
        // record holds. It goes, as a lost state does, in the same MULTI; the next purchase or read rebuilds it from the
        // record under a new ledger epoch, which fences out the rest of its outbox (refused as stale, 503).
        var dropped = overdrawn.Count == 0 ? Task.FromResult(0L)
            : done.KeyDeleteAsync([RedisKeys.Meta(saleId), RedisKeys.Stock(saleId), RedisKeys.Buyers(saleId), RedisKeys.Cancelled(saleId)]);
        var acknowledged = done.StreamAcknowledgeAsync(key, RedisKeys.PersisterGroup, ids);
        var deleted = done.StreamDeleteAsync(key, ids);
        await done.ExecuteAsync();
        await Task.WhenAll([acknowledged, deleted, dropped, .. kept, .. released]);

        // Announced to the other instances only for the orders no purchase here was waiting for: an order is
        // nearly always persisted by the instance that decided it, and then nobody else waits. (A retry of the
        // same key waiting on another instance at that moment learns the outcome from its poll of the record.)
        // An unreadable entry's order, when its id can still be read, is refused like any other: its purchase answers
        // 503 at once instead of 202 pending after waiting for a record that will never hold it.
        List<string>? notice = null;
        foreach (var (orderId, ok) in stored.Concat(unreadable.Select(id => KeyValuePair.Create(id, false))))
        {
            if (!waiters.Complete(orderId, ok))
            {
                (notice ??= []).Add(ok ? orderId.ToString("N") : "!" + orderId.ToString("N"));
            }
        }

        if (notice is not null)
        {
            await redis.GetSubscriber().PublishAsync(RedisKeys.Committed(_options.Namespace), string.Join(',', notice));
        }

        return true;
    }

    /// <summary>
    /// One multi-row insert. A batch the record refuses for what it holds, which no retry changes, is sorted out
    /// here; anything else (an outage) is thrown, and the batch stays in the outbox to be written again.
    /// </summary>
    private async Task<Dictionary<Guid, bool>> InsertAsync(List<DecidedOrder> batch, Dictionary<Guid, RedisValue> entryOf,
        Dictionary<RedisValue, string> refused, HashSet<Guid> overdrawn, Guid saleId, CancellationToken ct)
    {
        try
        {
            return Overdrawn(await record.InsertBatchAsync(batch, ct), entryOf, refused, overdrawn);
        }
        catch (Npgsql.PostgresException ex) when (ex.SqlState == Npgsql.PostgresErrorCodes.ForeignKeyViolation)
        {
            // The record has no such sale: a database older than this Redis (restored from before the sale), or
            // one this Redis was never meant to feed. Refused as a unique conflict is: acknowledged, each waiting
            // purchase answered 503, the drift left to reconciliation (a batch is one sale's, so the whole batch).
            LogSaleNotInRecord(saleId, batch.Count);
            foreach (var decided in batch)
            {
                refused[entryOf[decided.Order.Id]] = "the record has no such sale";
            }

            return batch.ToDictionary(o => o.Order.Id, _ => false);
        }
        catch (Npgsql.PostgresException ex) when (IsRefusedData(ex))
        {
            // A value the record does not take (CHECK, NOT NULL, out of range): one such entry — a bug wrote it — and
            // the whole statement fails. One statement per order finds it and records the others; paid only then.
            var stored = new Dictionary<Guid, bool>(batch.Count);
            foreach (var decided in batch)
            {
                try
                {
                    stored[decided.Order.Id] = Overdrawn(await record.InsertBatchAsync([decided], ct), entryOf, refused, overdrawn)[decided.Order.Id];
                }
                catch (Npgsql.PostgresException one) when (IsRefusedData(one))
                {
                    refused[entryOf[decided.Order.Id]] = $"{one.SqlState}: {one.MessageText}";
                    stored[decided.Order.Id] = false;
                }
            }

            return stored;
        }
    }

    /// <summary>The orders the record refused for its stock or a buyer's limit (G1, G2), with why.</summary>
    private static Dictionary<Guid, bool> Overdrawn(BatchOutcome outcome, Dictionary<Guid, RedisValue> entryOf,
        Dictionary<RedisValue, string> refused, HashSet<Guid> overdrawn)
    {
        foreach (var (orderId, why) in outcome.Overdrawn)
        {
            refused[entryOf[orderId]] = why;
            overdrawn.Add(orderId);
        }

        return outcome.Present;
    }

    /// <summary>
    /// Orders the insert left out because the sale's state was rebuilt from the record after they were decided (their
    /// epoch is older than the record's, migration 6): refused, and said why. The lost state's stock was never the
    /// rebuilt one's, so recording them would sell those units twice (G1); their buyers are answered that nothing was
    /// bought.
    /// </summary>
    private async Task NameStaleAsync(List<DecidedOrder> batch, Dictionary<Guid, bool> stored, Dictionary<Guid, RedisValue> entryOf,
        Dictionary<RedisValue, string> refused, Guid saleId, CancellationToken ct)
    {
        if (!batch.Any(o => o.Epoch is not null && !stored[o.Order.Id]))
        {
            return;
        }

        var current = await record.LedgerEpochAsync(saleId, ct);
        if (current is null)
        {
            // No such sale (a record restored from before it): the insert, which joins the sale for its epoch, left
            // every order out without the foreign key's error, so this is where it is said (event 4208, as the foreign
            // key's path says it; until 2026-12-07 these were named "stale … (epoch )", which sent a restore's operator
            // looking for a rebuild).
            var missing = batch.Where(o => !stored[o.Order.Id]).ToList();
            LogSaleNotInRecord(saleId, missing.Count);
            foreach (var decided in missing)
            {
                refused[entryOf[decided.Order.Id]] = "the record has no such sale";
            }

            return;
        }

        foreach (var decided in batch.Where(o => o.Epoch is { } epoch && epoch != current && !stored[o.Order.Id]))
        {
            refused[entryOf[decided.Order.Id]] = $"stale: decided under the sale's ledger epoch {decided.Epoch}, before its state was rebuilt " +
                $"from the record (epoch {current})";
        }
    }

    /// <summary>SQLSTATE classes 22 (data exception) and 23 (integrity constraint violation): the rows are refused, not the request.</summary>
    private static bool IsRefusedData(Npgsql.PostgresException ex) =>
        ex.SqlState.StartsWith("22", StringComparison.Ordinal) || ex.SqlState.StartsWith("23", StringComparison.Ordinal);

    [LoggerMessage(EventId = 4205, Level = LogLevel.Error, Message = "Order {OrderId} of sale {SaleId} was refused by the record ({Reason}); it is kept in the sale's :refused stream, and reconciliation will report the drift")]
    private partial void LogRefused(Guid orderId, Guid saleId, string reason);

    [LoggerMessage(EventId = 4211, Level = LogLevel.Error, Message = "Order {OrderId} of sale {SaleId} was refused by the record ({Reason}): Redis's state of the sale disagrees with the record, and is rebuilt from it; the order is kept in the sale's :refused stream")]
    private partial void LogOverdrawn(Guid orderId, Guid saleId, string reason);

    [LoggerMessage(EventId = 4209, Level = LogLevel.Error, Message = "Outbox entry {EntryId} of sale {SaleId} cannot be recorded ({Reason}); it is kept in the sale's :refused stream")]
    private partial void LogUnreadable(string entryId, Guid saleId, string reason);

    [LoggerMessage(EventId = 4208, Level = LogLevel.Error, Message = "Sale {SaleId} is not in the record (PostgreSQL): {Count} decided orders cannot be recorded and are refused")]
    private partial void LogSaleNotInRecord(Guid saleId, int count);
}
