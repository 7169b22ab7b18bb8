using FlashSale.Purchasing;
using FlashSale.Sales;
using static FlashSale.Storage.Embedded.SqliteValues;

namespace FlashSale.Storage.Embedded;

/// <summary>The ledger's admin operations: withdraw before delete, reconciliation, development reset.</summary>
public sealed partial class EmbeddedLedger
{
    private static readonly TimeSpan ReconcileWait = TimeSpan.FromSeconds(2);

    public Task<bool> TryWithdrawSaleAsync(Sale sale, CancellationToken ct)
    {
        if (!_books.TryGetValue(sale.Id, out var book))
        {
            return Task.FromResult(true);
        }

        lock (book.Gate)
        {
            return Task.FromResult(book.TryWithdraw());
        }
    }

    public Task SaleRemovedAsync(Guid saleId, CancellationToken ct)
    {
        _books.TryRemove(saleId, out _);
        notifier.StockChanged(saleId);
        return Task.CompletedTask;
    }

    public async Task<IReadOnlyList<SaleReconciliation>> ReconcileAsync(bool repair, CancellationToken ct)
    {
        var report = new List<SaleReconciliation>();
        foreach (var sale in await sales.ListAsync(ct))
        {
            SaleReconciliation line;
            if (!repair)
            {
                line = await CheckAsync(sale, ct);
            }
            else
            {
                // A sale the record has and the ledger lost is added first, then filled from the record below.
                var book = _books.GetOrAdd(sale.Id, _ => new SaleBook(sale, sale.TotalStock));
                line = await ReconcileAsync(book, ct);
            }

            report.Add(await RecordedTerms.CompareAsync(this, sales, line, sale, repair, log, ct));
        }

        return report;
    }

    public Task<LedgerTerms?> GetTermsAsync(Guid saleId, CancellationToken ct)
    {
        if (!_books.TryGetValue(saleId, out var book))
        {
            return Task.FromResult<LedgerTerms?>(null);
        }

        lock (book.Gate)
        {
            var sale = book.Sale;
            return Task.FromResult<LedgerTerms?>(new LedgerTerms(sale.TotalStock, sale.PerUserLimit, sale.StartsAt, sale.EndsAt,
                sale.Price, sale.Currency, book.Withdrawn));
        }
    }

    /// <summary>
    /// The drift check: the book's sold units against the record's, read outside the gate (a sale of millions of orders
    /// takes a while to sum, and purchases must not wait for a check). The book is read before and after; unchanged, with
    /// nothing unsettled and no change begun in between (a purchase or cancel, an admin's change of the sale, a repair:
    /// each counts in <see cref="SaleBook.Changes"/>), the two readings are of one moment. It takes no admin turn
    /// (SaleCommands). Changes nothing: a sale the ledger lost is reported as selling nothing.
    /// </summary>
    private async Task<SaleReconciliation> CheckAsync(Sale sale, CancellationToken ct)
    {
        if (!_books.TryGetValue(sale.Id, out var book))
        {
            var sold = RecordSold(sale.Id);
            return new SaleReconciliation(sale.Id, sale.Sku, sale.TotalStock, sold, 0, -sold, Repaired: false, Busy: false,
                RecordOverStock: sold > sale.TotalStock);
        }

        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        while (true)
        {
            var before = Reading(book);
            var timedOut = System.Diagnostics.Stopwatch.GetElapsedTime(started) >= ReconcileWait;
            if (before.Unsettled != 0 && !timedOut)
            {
                // Not a moment to compare at: the sum of a selling sale's orders is read once it is quiet, not every 5 ms.
                await Task.Delay(TimeSpan.FromMilliseconds(5), ct);
                continue;
            }

            var recordSold = RecordSold(sale.Id);
            var after = Reading(book);
            var settled = before == after && after.Unsettled == 0;
            if (settled || timedOut)
            {
                var ledgerSold = after.Sale.TotalStock - after.Remaining;
                return new SaleReconciliation(sale.Id, after.Sale.Sku, after.Sale.TotalStock, recordSold, ledgerSold,
                    ledgerSold - recordSold, Repaired: false, Busy: !settled, RecordOverStock: recordSold > after.Sale.TotalStock);
            }

            await Task.Delay(TimeSpan.FromMilliseconds(5), ct);
        }
    }

    /// <summary>The book at one moment: its sale (an admin's change makes a new one), stock left, changes in flight and begun.</summary>
    private static (Sale Sale, int Remaining, int Unsettled, int Changes) Reading(SaleBook book)
    {
        lock (book.Gate)
        {
            return (book.Sale, book.Remaining, book.Unsettled, book.Changes);
        }
    }

    private int RecordSold(Guid saleId)
    {
        using var connection = db.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COALESCE(SUM(quantity), 0) FROM orders WHERE sale_id = $sale AND status = 0";
        Add(command, "$sale", Id(saleId));
        return Convert.ToInt32(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private async Task<SaleReconciliation> ReconcileAsync(SaleBook book, CancellationToken ct)
    {
        // A wait in real time, not sale time: the server clock may be faked.
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        while (true)
        {
            lock (book.Gate)
            {
                // With the gate held and nothing unsettled, no decision is in flight and none can start:
                // the book and the committed record must agree exactly, so any difference is drift.
                if (book.Unsettled == 0 || System.Diagnostics.Stopwatch.GetElapsedTime(started) >= ReconcileWait)
                {
                    var busy = book.Unsettled != 0;
                    var held = ReadHoldings(book.Sale.Id);
                    var recordSold = held.Values.Sum();
                    var ledgerSold = book.Sale.TotalStock - book.Remaining;
                    var drift = ledgerSold - recordSold;
                    var overStock = recordSold > book.Sale.TotalStock;
                    var repair = drift != 0 && !busy && !overStock;
                    if (overStock)
                    {
                        LogRecordOverStock(book.Sale.Id, recordSold, book.Sale.TotalStock);
                    }

                    if (repair)
                    {
                        book.Rebuild(held);
                        LogRepaired(book.Sale.Id, ledgerSold, recordSold);
                        // Viewers see the repaired stock now, as after a purchase (not at the next heartbeat's read,
                        // up to 15 s later); the distributed ledger does the same.
                        notifier.StockChanged(book.Sale.Id);
                    }

                    return new SaleReconciliation(book.Sale.Id, book.Sale.Sku, book.Sale.TotalStock, recordSold,
                        ledgerSold, drift, repair, busy, overStock);
                }
            }

            await Task.Delay(TimeSpan.FromMilliseconds(5), ct);
        }
    }

    private Dictionary<string, int> ReadHoldings(Guid saleId)
    {
        using var connection = db.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT user_id, SUM(quantity) FROM orders WHERE sale_id = $sale AND status = 0 GROUP BY user_id";
        Add(command, "$sale", Id(saleId));
        using var reader = command.ExecuteReader();
        var held = new Dictionary<string, int>(StringComparer.Ordinal);
        while (reader.Read())
        {
            held[reader.GetString(0)] = reader.GetInt32(1);
        }

        return held;
    }

    public async Task ResetAsync(CancellationToken ct)
    {
        // Closed under each gate first, so no order for a wiped sale can be queued behind the wipe. The books go only once
        // the record is wiped: dropped before a wipe that then failed, the sales answered sale_not_found, and a book made
        // again from the record later (a reconciliation) knew none of its recorded keys.
        var closed = new List<SaleBook>();
        foreach (var book in _books.Values)
        {
            lock (book.Gate)
            {
                if (!book.Withdrawn)
                {
                    book.Withdraw();
                    closed.Add(book);
                }
            }
        }

        try
        {
            await committer.WriteAsync(new WipeRecord());
        }
        catch
        {
            // The wipe is one transaction: failed, the record is whole, and these books are still its books.
            foreach (var book in closed)
            {
                lock (book.Gate)
                {
                    book.Reopen();
                }
            }

            throw;
        }
        finally
        {
            db.SaleRows.Invalidate();
        }

        // Every wiped sale's viewers are told now (their feeds read it again and find it gone), as the Redis ledger's
        // are: unpoked, a feed found out at its next heartbeat, ~15 s later.
        var wiped = _books.Keys.ToList();
        _books.Clear();
        foreach (var saleId in wiped)
        {
            notifier.StockChanged(saleId);
        }

        LogReset();
    }

    [LoggerMessage(EventId = 2004, Level = LogLevel.Warning, Message = "Reconciliation repaired sale {SaleId}: ledger sold {LedgerSold}, record sold {RecordSold}")]
    private partial void LogRepaired(Guid saleId, int ledgerSold, int recordSold);

    [LoggerMessage(EventId = 2010, Level = LogLevel.Error,
        Message = "Reconciliation left sale {SaleId} as it was: its order record holds {RecordSold} units of a stock of {TotalStock} (oversold in the record itself); rebuilding from it would leave the stock below zero. Cancel the orders in excess, then reconcile")]
    private partial void LogRecordOverStock(Guid saleId, int recordSold, int totalStock);

    [LoggerMessage(EventId = 2005, Level = LogLevel.Warning, Message = "Development reset: every sale and order was wiped")]
    private partial void LogReset();
}
