using FlashSale.Drill.Load;

namespace FlashSale.Drill.Checking;

/// <summary>
/// Units that may have been held when a refusal was decided and given back since. A purchase holds its units before its
/// order is recorded; one whose record fails gives them back and answers 503 (nothing was bought), and one whose answer
/// was lost (another 5xx, no answer) may have done the same. So the stock, or a buyer's holding, at the end can be above
/// what it was when an earlier refusal was decided by the units of such requests sent before that refusal was answered —
/// and by nothing else on a sale the drill created, where nothing is cancelled.
/// </summary>
internal sealed class ReleasedUnits
{
    private readonly long[] _starts;

    /// <summary>[i]: the units of the first i requests in doubt, by when they were sent.</summary>
    private readonly int[] _unitsOfFirst;

    public ReleasedUnits(IEnumerable<AttemptRecord> requests)
    {
        var inDoubt = requests.Where(r => r.Status >= 500 || !r.IsAnswered).OrderBy(r => r.StartMicros).ToList();
        _starts = [.. inDoubt.Select(r => r.StartMicros)];
        _unitsOfFirst = new int[inDoubt.Count + 1];
        for (var i = 0; i < inDoubt.Count; i++)
        {
            _unitsOfFirst[i + 1] = _unitsOfFirst[i] + inDoubt[i].Quantity;
        }
    }

    /// <summary>The units of the requests in doubt sent before <paramref name="refusal"/> was answered.</summary>
    public int Before(AttemptRecord refusal)
    {
        // How many were sent before its answer: the first start not before it (a soak's log holds hundreds of thousands).
        int low = 0, high = _starts.Length;
        while (low < high)
        {
            var middle = (low + high) / 2;
            (low, high) = _starts[middle] < refusal.EndMicros ? (middle + 1, high) : (low, middle);
        }

        return _unitsOfFirst[low];
    }
}
