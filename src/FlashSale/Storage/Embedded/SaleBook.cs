using FlashSale.Orders;
using FlashSale.Purchasing;
using FlashSale.Sales;

namespace FlashSale.Storage.Embedded;

/// <summary>
/// The in-memory state of one sale: stock left, what each user holds, and the idempotency keys
/// seen. Every method but the volatile reads must be called with <see cref="Gate"/> held; the
/// decision itself is pure and fast, so one lock per sale is all the concurrency control needed.
/// </summary>
internal sealed class SaleBook(Sale sale, int remaining)
{
    private readonly Dictionary<string, int> _heldByUser = new(StringComparer.Ordinal);
    private readonly Dictionary<(string User, string Key), KeyEntry> _keys = [];
    private volatile int _remaining = remaining;
    private int _unsettled;
    private int _changes;

    public Lock Gate { get; } = new();

    public Sale Sale { get; private set; } = sale;

    /// <summary>Read without the lock by the sold-out short-circuit and stock queries.</summary>
    public int Remaining => _remaining;

    public bool SoldOut => _remaining <= 0;

    /// <summary>True when the record held orders at start: their keys are looked up in the record, not kept in memory.</summary>
    public bool HasRecordedOrders { get; private set; }

    /// <summary>Taken out of trading before its record is deleted: every attempt answers sale_not_found.</summary>
    public bool Withdrawn { get; private set; }

    /// <summary>
    /// Ledger changes decided but not yet fully applied (a reservation not yet committed, a cancel not yet
    /// returned). While it is zero under <see cref="Gate"/>, the book and the record must agree exactly.
    /// </summary>
    public int Unsettled => Volatile.Read(ref _unsettled);

    /// <summary>
    /// Changes begun since the book was made — purchases and cancels, an admin's change of the sale, a reconciliation's
    /// rebuild: equal before and after a read, none began in between.
    /// </summary>
    public int Changes => Volatile.Read(ref _changes);

    public void BeginChange()
    {
        Interlocked.Increment(ref _changes);
        Interlocked.Increment(ref _unsettled);
    }

    /// <summary>Called once the change is durable (or undone) and applied here; needs no lock.</summary>
    public void EndChange() => Interlocked.Decrement(ref _unsettled);

    public BookDecision Decide(PurchaseAttempt attempt, DateTimeOffset now, RecordedKey? recorded = null,
        string? closedBecause = null)
    {
        var sale = Sale;
        if (Withdrawn)
        {
            return new BookDecision.Final(PurchaseOutcome.Rejected.NoSuchSale());
        }

        if (attempt.Quantity < 1 || attempt.Quantity > sale.PerUserLimit)
        {
            return new BookDecision.Final(PurchaseOutcome.Rejected.QuantityOutOfRange(sale.PerUserLimit));
        }

        // A retry of an earlier attempt answers as that attempt did, even after the sale closed.
        if (attempt.IdempotencyKey is { } recordedKey && recorded is { } stored && !_keys.ContainsKey((attempt.UserId, recordedKey)))
        {
            // An order from before the last start: remember it like any other key from now on.
            _keys[(attempt.UserId, recordedKey)] = KeyEntry.Persisted(stored.Quantity, stored.OrderId);
        }

        if (attempt.IdempotencyKey is { } key && _keys.TryGetValue((attempt.UserId, key), out var entry))
        {
            return entry.Quantity != attempt.Quantity
                ? Reject(PurchaseRejection.IdempotencyKeyMismatch, "This Idempotency-Key was used with another body.")
                : new BookDecision.Replay(entry);
        }

        if (now < sale.StartsAt)
        {
            // A window shut (starts = ends) is the shop changing the sale (SaleCommands.UpdateAsync): a moment, not a start.
            return new BookDecision.Final(sale.StartsAt >= sale.EndsAt
                ? PurchaseOutcome.BeingChanged
                : PurchaseOutcome.Rejected.NotStarted(sale.StartsAt));
        }

        if (now >= sale.EndsAt)
        {
            return new BookDecision.Final(PurchaseOutcome.Rejected.Ended(sale.EndsAt));
        }

        // Before the buyer's hold and the stock, as purchase.lua does; never remembered for the key: a retry shown the new
        // price may buy.
        if (attempt.PriceDiffers(sale.Price, sale.Currency))
        {
            return new BookDecision.Final(PurchaseOutcome.Rejected.PriceChanged(sale.Price, sale.Currency));
        }

        var held = _heldByUser.GetValueOrDefault(attempt.UserId);
        if (held + attempt.Quantity > sale.PerUserLimit)
        {
            return Remember(attempt, new BookDecision.Final(PurchaseOutcome.Rejected.LimitReached(held, sale.PerUserLimit)));
        }

        if (_remaining < attempt.Quantity)
        {
            return Remember(attempt, new BookDecision.Final(PurchaseOutcome.Rejected.SoldOut(_remaining)));
        }

        if (closedBecause is not null)
        {
            // Everything says yes but the store cannot write: refuse before reserving anything.
            return new BookDecision.Final(new PurchaseOutcome.Unavailable(closedBecause));
        }

        _remaining -= attempt.Quantity;
        _heldByUser[attempt.UserId] = held + attempt.Quantity;
        BeginChange();
        var order = new Order
        {
            // Version 7: time-ordered and unguessable (OrderIds.cs).
            Id = OrderIds.New(now),
            SaleId = sale.Id,
            UserId = attempt.UserId,
            Username = attempt.Username,
            Quantity = attempt.Quantity,
            UnitPrice = sale.Price,
            Currency = sale.Currency,
            // Millisecond precision: what the record keeps, so a replay after restart is byte-identical.
            PurchasedAt = DateTimeOffset.FromUnixTimeMilliseconds(now.ToUnixTimeMilliseconds()),
            RemainingAfter = _remaining,
            IdempotencyKey = attempt.IdempotencyKey,
        };
        if (order.PurchasedAt > LatestPurchaseAt)
        {
            LatestPurchaseAt = order.PurchasedAt;
        }

        KeyEntry? newEntry = null;
        if (attempt.IdempotencyKey is { } newKey)
        {
            newEntry = new KeyEntry(attempt.Quantity);
            _keys[(attempt.UserId, newKey)] = newEntry;
        }

        return new BookDecision.Reserve(order, newEntry);
    }

    /// <summary>Undoes a reservation whose write failed: the stock, the user's hold and the key.</summary>
    public void Release(Order order)
    {
        Return(order);
        if (order.IdempotencyKey is { } key)
        {
            _keys.Remove((order.UserId, key));
        }
    }

    /// <summary>A cancelled order's stock returns and its buyer may buy again; its key still replays.</summary>
    public void Return(Order order)
    {
        _remaining += order.Quantity;
        var held = _heldByUser.GetValueOrDefault(order.UserId) - order.Quantity;
        if (held > 0)
        {
            _heldByUser[order.UserId] = held;
        }
        else
        {
            _heldByUser.Remove(order.UserId);
        }
    }

    /// <summary>
    /// Rebuild at start: a confirmed order from the record. Its idempotency key stays in the
    /// record (looked up on demand): a million keys need not be loaded before the server can start.
    /// </summary>
    public void Restore(string userId, int quantity)
    {
        _heldByUser[userId] = _heldByUser.GetValueOrDefault(userId) + quantity;
        HasRecordedOrders = true;
    }

    /// <summary>Rebuild at start: the sale had orders (perhaps all cancelled) whose keys still replay.</summary>
    public void MarkRecorded() => HasRecordedOrders = true;

    /// <summary>
    /// The time of the latest purchase this book has decided since the server started (the clock is read before the
    /// gate, so decisions need not come in time order): an early end is never at or before it (<see cref="EndAt"/>).
    /// </summary>
    public DateTimeOffset LatestPurchaseAt { get; private set; } = DateTimeOffset.MinValue;

    /// <summary><paramref name="end"/>, or just after the latest purchase decided, whichever is later: an end that sells nothing past it.</summary>
    public DateTimeOffset NoEarlierThanLatestPurchase(DateTimeOffset end) =>
        LatestPurchaseAt >= end ? LatestPurchaseAt.AddMilliseconds(1) : end;

    /// <summary>"End now": at <paramref name="end"/>, or just after the latest purchase decided, whichever is later; the end taken.</summary>
    public DateTimeOffset EndAt(Sale sale, DateTimeOffset end)
    {
        var taken = NoEarlierThanLatestPurchase(end);
        // An upcoming sale ended never opens: its start no later than its end, as the record writes it.
        Update(sale with { EndsAt = taken, StartsAt = sale.StartsAt < taken ? sale.StartsAt : taken });
        return taken;
    }

    /// <summary>A changed sale (admin): stock follows the new total, minus what is sold.</summary>
    public void Update(Sale changed)
    {
        Interlocked.Increment(ref _changes);
        var sold = Sale.TotalStock - _remaining;
        Sale = changed;
        Withdrawn = false;
        _remaining = Math.Max(0, changed.TotalStock - sold);
    }

    /// <summary>Closes the book to purchases if nothing of it is sold or being sold.</summary>
    public bool TryWithdraw()
    {
        if (_remaining != Sale.TotalStock || Unsettled != 0)
        {
            return false;
        }

        Withdrawn = true;
        return true;
    }

    /// <summary>Closes the book unconditionally (reset).</summary>
    public void Withdraw() => Withdrawn = true;

    /// <summary>Opens a book <see cref="Withdraw"/> closed again, as it was (a reset whose wipe failed).</summary>
    public void Reopen() => Withdrawn = false;

    /// <summary>Reconciliation: the record's confirmed units per user replace the book's.</summary>
    public void Rebuild(IReadOnlyDictionary<string, int> heldByUser)
    {
        _heldByUser.Clear();
        var sold = 0;
        foreach (var (user, units) in heldByUser)
        {
            _heldByUser[user] = units;
            sold += units;
        }

        SetSold(sold);
    }

    /// <summary>Reconciliation: the record says this many units are sold.</summary>
    public void SetSold(int sold)
    {
        Interlocked.Increment(ref _changes);
        _remaining = Sale.TotalStock - sold;
    }

    public int HeldBy(string userId) => _heldByUser.GetValueOrDefault(userId);

    private static BookDecision.Final Reject(PurchaseRejection reason, string detail) =>
        new(new PurchaseOutcome.Rejected(reason, detail));

    /// <summary>Decisions (sold out, limit) are remembered per key so a retry gets the same answer.</summary>
    private BookDecision Remember(PurchaseAttempt attempt, BookDecision.Final decision)
    {
        if (attempt.IdempotencyKey is { } key)
        {
            _keys[(attempt.UserId, key)] = KeyEntry.Decided(attempt.Quantity, decision.Outcome);
        }

        return decision;
    }
}

/// <summary>An order found in the record by its idempotency key.</summary>
internal readonly record struct RecordedKey(Guid OrderId, int Quantity);

internal abstract record BookDecision
{
    private BookDecision() { }

    public sealed record Final(PurchaseOutcome Outcome) : BookDecision;

    public sealed record Replay(KeyEntry Entry) : BookDecision;

    public sealed record Reserve(Order Order, KeyEntry? Entry) : BookDecision;
}

/// <summary>What an idempotency key stands for: a decision in flight, a decision made, or a stored order.</summary>
internal sealed class KeyEntry(int quantity)
{
    public int Quantity { get; } = quantity;

    /// <summary>Set by the ledger right after the reservation; completes when the write is committed.</summary>
    public Task<PurchaseOutcome>? Outcome { get; set; }

    /// <summary>For keys rebuilt from the record: the order to answer with.</summary>
    public Guid? OrderId { get; private init; }

    public static KeyEntry Persisted(int quantity, Guid orderId) => new(quantity) { OrderId = orderId };

    public static KeyEntry Decided(int quantity, PurchaseOutcome outcome) =>
        new(quantity) { Outcome = Task.FromResult(outcome) };
}
