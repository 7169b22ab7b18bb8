using System.Collections.Concurrent;
using FlashSale.Sales;

namespace FlashSale.Storage;

/// <summary>
/// The sales a store has read, one by one and as the whole list, kept until any sale is written. In a flash sale the sale's page and its stock are read by
/// every buyer, over and over, and the sale itself almost never changes: each of those reads was a query (embedded: a
/// pooled connection, its pragmas, a statement prepared and stepped, ~20k reads a second on one core; distributed: a
/// round trip to PostgreSQL). The embedded store is the only writer of its file, so its own writes are the only
/// invalidation it needs (every write to <c>sales</c> goes through <see cref="Embedded.SqliteSaleStore"/> or the
/// development reset, and both call <see cref="Invalidate"/> after it); the distributed store also invalidates on
/// PostgreSQL's notice of any instance's write (<see cref="Postgres.SaleChangeListener"/>).
/// </summary>
/// <remarks>
/// Only sales found are kept (unknown ids would let anyone fill it), so it holds at most one entry per sale. A reader
/// takes <see cref="Version"/> before its query and remembers the row only if no write came since: a row read before a
/// write cannot outlive it, however the two interleave. While <see cref="Suspend">suspended</see> (the distributed
/// store's listener deaf to PostgreSQL's notices) it serves nothing, and what it keeps meanwhile is never served:
/// resuming moves the version.
/// </remarks>
internal sealed class SaleRowCache(bool serving = true)
{
    private readonly ConcurrentDictionary<Guid, Entry> _rows = new();
    private ListEntry? _list;
    private long _version;
    private volatile bool _serving = serving;

    /// <summary>False while suspended: every read goes to the store.</summary>
    public bool Serving => _serving;

    /// <summary>Taken before a query whose row may be remembered.</summary>
    public long Version => Volatile.Read(ref _version);

    public bool TryGet(Guid id, out Sale sale)
    {
        if (_serving && _rows.TryGetValue(id, out var entry) && entry.Version == Version)
        {
            sale = entry.Sale;
            return true;
        }

        sale = null!;
        return false;
    }

    /// <summary>Keeps a row read after <paramref name="readAt"/> was taken, unless a write came since.</summary>
    public void Remember(Sale sale, long readAt)
    {
        if (readAt == Version)
        {
            // A write between the check and this store leaves an entry of the old version, which TryGet ignores.
            _rows[sale.Id] = new Entry(sale, readAt);
        }
    }

    /// <summary>Every sale, as the store's list orders them (the home page and the sales list read it).</summary>
    public bool TryGetList(out IReadOnlyList<Sale> sales)
    {
        if (_serving && Volatile.Read(ref _list) is { } entry && entry.Version == Version)
        {
            sales = entry.Sales;
            return true;
        }

        sales = null!;
        return false;
    }

    /// <summary>Keeps the list read after <paramref name="readAt"/> was taken, unless a write came since; read-only, as it is shared.</summary>
    public IReadOnlyList<Sale> RememberList(List<Sale> sales, long readAt)
    {
        var shared = sales.AsReadOnly();
        if (readAt == Version)
        {
            Volatile.Write(ref _list, new ListEntry(shared, readAt));
        }

        return shared;
    }

    /// <summary>After any write to sales: nothing read before it is served again.</summary>
    public void Invalidate()
    {
        Interlocked.Increment(ref _version);
        _rows.Clear();
        Volatile.Write(ref _list, null);
    }

    /// <summary>Writes may go unnoticed from now on: forget everything and serve nothing until <see cref="Resume"/>.</summary>
    public void Suspend()
    {
        _serving = false;
        Invalidate();
    }

    /// <summary>Every later write is noticed again: nothing read before this is served (the version moves first).</summary>
    public void Resume()
    {
        Invalidate();
        _serving = true;
    }

    private sealed record Entry(Sale Sale, long Version);

    private sealed record ListEntry(IReadOnlyList<Sale> Sales, long Version);
}
