using System.Collections.Concurrent;
using FlashSale.Live;
using FlashSale.Orders;
using FlashSale.Purchasing;
using FlashSale.Sales;

namespace FlashSale.Storage.Embedded;

/// <summary>
/// The embedded purchase ledger: decisions in memory under a lock per sale, made durable by the
/// group committer before anyone hears "yes". Rebuilt from SQLite at start.
/// </summary>
public sealed partial class EmbeddedLedger(
    SqliteDatabase db,
    GroupCommitter committer,
    WriteGate gate,
    IOrderStore orders,
    ISaleStore sales,
    TimeProvider clock,
    IStockNotifier notifier,
    BuyerOrders buyers,
    ILogger<EmbeddedLedger> log) : IPurchaseLedger
{
    private readonly ConcurrentDictionary<Guid, SaleBook> _books = new();

    public async Task<PurchaseOutcome> PurchaseAsync(PurchaseAttempt attempt, CancellationToken ct)
    {
        if (!_books.TryGetValue(attempt.SaleId, out var book))
        {
            return PurchaseOutcome.Rejected.NoSuchSale();
        }

        var now = clock.GetUtcNow();
        // Sold-out short-circuit: the late crowd is answered without taking the lock. Attempts with
        // a key still go through the book, which may hold their earlier answer.
        if (book.SoldOut && book.Sale.IsOpenAt(now) && attempt.FitsSoldOutShortCircuit(book.Sale.PerUserLimit))
        {
            return PurchaseOutcome.Rejected.SoldOut(0);
        }

        // Keys of orders from before the last start live in the record: look there first (an
        // indexed read, outside the lock; such orders never change, so reading early is safe).
        var recorded = attempt.IdempotencyKey is { } key && book.HasRecordedOrders
            ? FindRecordedKey(attempt.SaleId, attempt.UserId, key)
            : null;

        Task<PurchaseOutcome> outcome;
        lock (book.Gate)
        {
            switch (book.Decide(attempt, now, recorded, gate.ClosedBecause()))
            {
                case BookDecision.Final final:
                    return final.Outcome;
                case BookDecision.Replay replay:
                    outcome = ReplayAsync(replay.Entry.Outcome ?? LoadPersistedAsync(replay.Entry, ct));
                    break;
                case BookDecision.Reserve reserve:
                    outcome = CommitAsync(book, reserve.Order);
                    if (reserve.Entry is not null)
                    {
                        reserve.Entry.Outcome = outcome;
                    }

                    break;
                default:
                    throw new InvalidOperationException("Unknown decision.");
            }
        }

        return await outcome;
    }

    /// <summary>The key's first outcome, marked as a replay: its order was bought by the first attempt, not this one.</summary>
    private static async Task<PurchaseOutcome> ReplayAsync(Task<PurchaseOutcome> first) => (await first).AsReplay();

    private async Task<PurchaseOutcome> CommitAsync(SaleBook book, Order order)
    {
        try
        {
            await committer.WriteAsync(new InsertOrder(order));
            book.EndChange();
            notifier.StockChanged(order.SaleId);
            return new PurchaseOutcome.Confirmed(order);
        }
        catch (Exception ex)
        {
            // Not durable, so not sold: give the unit back and say 503 (G3, G4); take no new purchase for a while.
            gate.CommitFailed();
            lock (book.Gate)
            {
                book.Release(order);
            }

            book.EndChange();

            LogReleased(order.SaleId, order.Id, ex.Message);
            return new PurchaseOutcome.Unavailable("The order could not be recorded; nothing was bought. Try again.");
        }
    }

    private async Task<PurchaseOutcome> LoadPersistedAsync(KeyEntry entry, CancellationToken ct)
    {
        const string Unreadable = "This key's order exists but could not be read right now; retry with the same key to get it.";
        Order? order;
        try
        {
            order = await orders.FindAsync(entry.OrderId!.Value, ct);
        }
        catch (Exception ex) when (StoreUnavailableExceptionHandler.IsStoreUnavailable(ex))
        {
            // Left to the exception handler, the store's failure answered "nothing was changed" for a bought unit.
            return new PurchaseOutcome.Unavailable(Unreadable, OutcomeUnknown: true);
        }

        return order is null
            ? new PurchaseOutcome.Unavailable(Unreadable, OutcomeUnknown: true)
            : new PurchaseOutcome.Confirmed(order with { Status = OrderStatus.Confirmed });
    }

    private RecordedKey? FindRecordedKey(Guid saleId, string userId, string key)
    {
        using var connection = db.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT id, quantity FROM orders WHERE sale_id = $sale AND user_id = $user AND idempotency_key = $key";
        SqliteValues.Add(command, "$sale", SqliteValues.Id(saleId));
        SqliteValues.Add(command, "$user", userId);
        SqliteValues.Add(command, "$key", key);
        using var reader = command.ExecuteReader();
        return reader.Read() ? new RecordedKey(SqliteValues.Guid(reader, 0), reader.GetInt32(1)) : null;
    }

    public Task<StockLevel> GetStockAsync(Sale sale, CancellationToken ct)
    {
        if (!_books.TryGetValue(sale.Id, out var book))
        {
            return Task.FromResult(new StockLevel(sale.TotalStock, sale.TotalStock));
        }

        // Both under the gate: a started sale's stock changes while it sells (SaleCommands), and read apart, a top-up
        // from 2 to 5 with none left read as 5 sold, and a cut from 10 to 7 with 5 sold as 2 sold.
        lock (book.Gate)
        {
            return Task.FromResult(new StockLevel(book.Sale.TotalStock, book.Remaining));
        }
    }

    /// <summary>The book's count, reservations awaiting their commit included: what the next decision counts.</summary>
    public Task<int> GetHeldAsync(Sale sale, string userId, CancellationToken ct)
    {
        if (!_books.TryGetValue(sale.Id, out var book))
        {
            return Task.FromResult(0);
        }

        lock (book.Gate)
        {
            return Task.FromResult(book.HeldBy(userId));
        }
    }

    public Task SaleChangedAsync(Sale sale, CancellationToken ct)
    {
        var book = _books.GetOrAdd(sale.Id, _ => new SaleBook(sale, sale.TotalStock));
        lock (book.Gate)
        {
            book.Update(sale);
        }

        notifier.StockChanged(sale.Id);
        return Task.CompletedTask;
    }

    public Task<StockChange> TryChangeStockAsync(Sale changed, CancellationToken ct)
    {
        var book = _books.GetOrAdd(changed.Id, _ => new SaleBook(changed, changed.TotalStock));
        DateTimeOffset end;
        lock (book.Gate)
        {
            // Under the gate no decision is half made: every reservation is already off Remaining, and the end judged
            // here is the one the next decision would judge by.
            if (clock.GetUtcNow() >= book.Sale.EndsAt)
            {
                return Task.FromResult(StockChange.Ended);
            }

            var sold = book.Sale.TotalStock - book.Remaining;
            if (sold > changed.TotalStock)
            {
                return Task.FromResult(StockChange.BelowSold(sold));
            }

            end = book.NoEarlierThanLatestPurchase(changed.EndsAt);
            book.Update(changed with { EndsAt = end });
        }

        notifier.StockChanged(changed.Id);
        return Task.FromResult(StockChange.TakenWithEnd(end));
    }

    public Task<DateTimeOffset> EndAsync(Sale sale, DateTimeOffset end, CancellationToken ct)
    {
        var book = _books.GetOrAdd(sale.Id, _ => new SaleBook(sale, sale.TotalStock));
        DateTimeOffset taken;
        lock (book.Gate)
        {
            taken = book.EndAt(sale, end);
        }

        notifier.StockChanged(sale.Id);
        return Task.FromResult(taken);
    }

    public async Task<CancelOutcome> CancelAsync(Guid orderId, string cancelledBy, CancellationToken ct)
    {
        var order = await orders.FindAsync(orderId, ct);
        if (order is null || !_books.TryGetValue(order.SaleId, out var book))
        {
            return new CancelOutcome.NotFound();
        }

        if (order.Status == OrderStatus.Cancelled)
        {
            return new CancelOutcome.Cancelled(order);
        }

        var at = clock.GetUtcNow();
        int changed;
        Task<int> write;
        // Begun under the gate, so a reconciliation holding it sees either no cancel or an unsettled one.
        lock (book.Gate)
        {
            book.BeginChange();
            write = committer.WriteAsync(new CancelOrder(orderId, at, cancelledBy));
        }

        try
        {
            changed = await write;
        }
        catch (Exception ex)
        {
            // Whatever failed (the write, or the committer refusing it), the change ends and the order stands: a 503.
            book.EndChange();
            LogCancelUnfinished(order.SaleId, orderId, ex);
            return new CancelOutcome.Unavailable();
        }

        // Only the cancel that changed the row returns the stock: concurrent cancels return it once.
        if (changed == 1)
        {
            lock (book.Gate)
            {
                book.Return(order);
            }

            notifier.StockChanged(order.SaleId);
        }

        book.EndChange();

        var current = await orders.FindAsync(orderId, ct);
        return new CancelOutcome.Cancelled(current ?? order);
    }

    /// <summary>Rebuilds every sale's book from the record. Called once at start, before serving.</summary>
    public void Load()
    {
        _books.Clear();
        using var connection = db.Open();
        using (var sales = connection.CreateCommand())
        {
            sales.CommandText = "SELECT id, sku, product_name, description, price_minor, currency, image_url, total_stock, per_user_limit, starts_at, ends_at, created_at FROM sales";
            using var reader = sales.ExecuteReader();
            while (reader.Read())
            {
                var sale = SqliteSaleStore.Read(reader);
                _books[sale.Id] = new SaleBook(sale, sale.TotalStock);
            }
        }

        // Only what decisions need: who holds how much. Sale ids are matched as text, not parsed.
        var byText = _books.Values.ToDictionary(b => SqliteValues.Id(b.Sale.Id), StringComparer.Ordinal);
        using var rows = connection.CreateCommand();
        rows.CommandText = "SELECT sale_id, user_id, quantity, status, seq FROM orders";
        using var orderReader = rows.ExecuteReader();
        var sold = new Dictionary<Guid, int>();
        var count = 0;
        buyers.Clear();
        while (orderReader.Read())
        {
            count++;
            buyers.Add(orderReader.GetString(1), orderReader.GetInt64(4));
            if (!byText.TryGetValue(orderReader.GetString(0), out var book))
            {
                continue;
            }

            if ((OrderStatus)orderReader.GetInt32(3) == OrderStatus.Confirmed)
            {
                var quantity = orderReader.GetInt32(2);
                book.Restore(orderReader.GetString(1), quantity);
                sold[book.Sale.Id] = sold.GetValueOrDefault(book.Sale.Id) + quantity;
            }
            else
            {
                book.MarkRecorded();
            }
        }

        foreach (var (saleId, units) in sold)
        {
            _books[saleId].SetSold(units);
        }

        LogLoaded(_books.Count, count);
    }

    [LoggerMessage(EventId = 2002, Level = LogLevel.Warning, Message = "Reservation {OrderId} in sale {SaleId} released: the write failed ({Error})")]
    private partial void LogReleased(Guid saleId, Guid orderId, string error);

    [LoggerMessage(EventId = 2011, Level = LogLevel.Warning, Message = "Cancel of order {OrderId} in sale {SaleId} not finished: the write failed; answered 503, the order stands")]
    private partial void LogCancelUnfinished(Guid saleId, Guid orderId, Exception error);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Information, Message = "Ledger rebuilt from the record: {Sales} sales, {Orders} orders")]
    private partial void LogLoaded(int sales, int orders);
}
