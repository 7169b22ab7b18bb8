namespace FlashSale.Storage.Redis;

/// <summary>
/// Permits of one rule and subject that Redis counted for this instance and no request has spent yet
/// (<see cref="RedisRateLimiter"/>). Spending one needs no round trip; unspent ones are given back
/// after <see cref="Expires"/>. Every member is read and written under the lease's own lock.
/// </summary>
internal sealed class RateLimitLease(string key, long windowMs)
{
    public string Key { get; } = key;

    public long WindowMs { get; } = windowMs;

    /// <summary>Counted in Redis, not yet spent.</summary>
    public int Available { get; private set; }

    /// <summary>The fixed window the available permits were counted in (what a give-back names).</summary>
    public long WindowIndex { get; private set; }

    public long Expires { get; private set; }

    /// <summary>Set once the sweep dropped this lease from the table; a request holding it looks it up again.</summary>
    public bool Retired { get; private set; }

    private int _lastWanted;
    private long _lastGrant;

    public Lock Gate { get; } = new();

    public bool TrySpend(long now)
    {
        if (Available > 0 && now < Expires)
        {
            Available--;
            return true;
        }

        return false;
    }

    /// <summary>A spent permit not used after all: a later rule refused the request.</summary>
    public void Unspend() => Available++;

    /// <summary>
    /// How many permits to ask for: one while the subject is quiet; double the last lease when it was
    /// spent within its lifetime; what the last one actually served when it outlived its use.
    /// </summary>
    public int Wanted(long now, long lifetime, int cap)
    {
        var sinceGrant = now - _lastGrant;
        var wanted = _lastGrant == 0 || sinceGrant >= 2 * lifetime ? 1
            : sinceGrant < lifetime && Available == 0 ? 2 * _lastWanted
            : _lastWanted - Available;
        return Math.Clamp(wanted, 1, cap);
    }

    /// <summary>
    /// Redis granted <paramref name="granted"/> permits (one spent by the asking request). Returns permits of an
    /// older lease that can no longer be kept with these (another window, or expired), with their window: the
    /// caller gives them back.
    /// </summary>
    public (int Count, long WindowIndex) Granted(long now, long lifetime, int wanted, int granted, long windowIndex)
    {
        (int, long) stale = (0, 0);
        if (Available > 0 && (windowIndex != WindowIndex || now >= Expires))
        {
            stale = (Available, WindowIndex);
            Available = 0;
        }

        Available += granted - 1;
        WindowIndex = windowIndex;
        Expires = now + lifetime;
        _lastWanted = wanted;
        _lastGrant = now;
        return stale;
    }

    /// <summary>Unspent permits past their lifetime, taken out to be given back, with their window (count 0 if none).</summary>
    public (int Count, long WindowIndex) TakeExpired(long now)
    {
        if (Available == 0 || now < Expires)
        {
            return (0, 0);
        }

        var unspent = Available;
        Available = 0;
        return (unspent, WindowIndex);
    }

    /// <summary>
    /// True (and retired) when nothing is held and the subject has been quiet long enough to forget. A grant that
    /// reaches a retired lease (its request waited more than two lifetimes for Redis) is neither spent nor given
    /// back: those permits count until their window passes, which makes the limit stricter, never looser.
    /// </summary>
    public bool TryRetire(long now, long lifetime)
    {
        if (Available == 0 && now - _lastGrant >= 2 * lifetime)
        {
            Retired = true;
        }

        return Retired;
    }
}
