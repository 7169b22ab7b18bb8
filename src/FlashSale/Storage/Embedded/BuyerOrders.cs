namespace FlashSale.Storage.Embedded;

/// <summary>
/// Which orders each buyer has, in memory: the record's seqs by user id. Built from the orders at
/// start (with the sale books) and added to by the group committer after each commit, before any
/// buyer hears of it, so "my orders" is exact from the 201 on. It replaces an index of the orders
/// table keyed by user, whose writes landed in a different page for nearly every order (migration 3).
/// </summary>
/// <remarks>
/// An entry of about 250 bytes per buyer (the user id, the dictionary slot, the list) plus 8–16 bytes
/// per order: a million one-order buyers take ~250 MB. The embedded store is one process by design.
/// </remarks>
public sealed class BuyerOrders
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Seqs> _byUser = new(StringComparer.Ordinal);

    public int Buyers => _byUser.Count;

    public void Add(string userId, long seq) => _byUser.GetOrAdd(userId, static _ => new Seqs()).Add(seq);

    /// <summary>The buyer's order seqs, oldest first (a copy).</summary>
    public long[] Of(string userId) => _byUser.TryGetValue(userId, out var seqs) ? seqs.ToArray() : [];

    public void Clear() => _byUser.Clear();

    private sealed class Seqs
    {
        private readonly Lock _lock = new();
        private long[] _items = new long[1];
        private int _count;

        public void Add(long seq)
        {
            lock (_lock)
            {
                if (_count == _items.Length)
                {
                    Array.Resize(ref _items, _count * 2);
                }

                // Seqs arrive in commit order, so the array stays sorted; a rebuild may interleave, hence the check.
                var at = _count;
                while (at > 0 && _items[at - 1] > seq)
                {
                    at--;
                }

                Array.Copy(_items, at, _items, at + 1, _count - at);
                _items[at] = seq;
                _count++;
            }
        }

        public long[] ToArray()
        {
            lock (_lock)
            {
                return _items.AsSpan(0, _count).ToArray();
            }
        }
    }
}
