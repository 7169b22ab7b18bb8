namespace FlashSale.Storage.Redis;

/// <summary>
/// Permits of one rule and subject that Redis counted for this instance and no request has spent yet
/// (<see cref="RedisRateLimiter"/>). Spending one needs no round trip; unspent ones are given back once
/// their lifetime ends. Thread-safe: every method takes the lease's own lock.
/// </summary>
internal sealed class RateLimitLease(string key, long windowMs)
{
    private readonly Lock _gate = new();
    private int _available;
    private long _windowIndex;
    private long _expires;
    private bool _retired;
    private int _lastWanted;
    private long _lastGrant;
    private int _asking;
    private TaskCompletionSource? _settled;

    public string Key { get; } = key;

    public long WindowMs { get; } = windowMs;

    /// <summary>Spends a permit at hand; false when there is none (or the lease is retired: look it up again).</summary>
    public bool TrySpend(long now, out bool retired)
    {
        lock (_gate)
        {
            retired = _retired;
            if (!_retired && _available > 0 && now < _expires)
            {
                _available--;
                return true;
            }

            return false;
        }
    }

    /// <summary>
    /// A spent permit not used after all: a later rule refused the request. Returns it for the caller to give back
    /// when the lease retired meanwhile (the later rule's round trip outlived it): nobody would spend it here.
    /// </summary>
    public RateLimitGiveBack? Unspend()
    {
        lock (_gate)
        {
            if (_retired)
            {
                return new RateLimitGiveBack(Key, WindowMs, 1, _windowIndex);
            }

            _available++;
            return null;
        }
    }

    /// <summary>
    /// How many permits to ask for: one while the subject is quiet; double the last lease when it was
    /// spent within its lifetime; what the last one actually served when it outlived its use. Counts the
    /// ask as in flight until <see cref="Answered"/>.
    /// </summary>
    public int Wanted(long now, long lifetime, int cap)
    {
        lock (_gate)
        {
            _asking++;
            var sinceGrant = now - _lastGrant;
            var wanted = _lastGrant == 0 || sinceGrant >= 2 * lifetime ? 1
                : sinceGrant < lifetime && _available == 0 ? 2 * _lastWanted
                : _lastWanted - _available;
            return Math.Clamp(wanted, 1, cap);
        }
    }

    /// <summary>
    /// Redis granted <paramref name="granted"/> permits (one spent by the asking request). Returns the permits of an
    /// older lease that can no longer be kept with these (another window, or expired), or those of this grant when
    /// the lease is retired, for the caller to give back.
    /// </summary>
    public RateLimitGiveBack? Granted(long now, long lifetime, int wanted, int granted, long windowIndex)
    {
        lock (_gate)
        {
            if (_retired)
            {
                // Nobody looks this lease up any more: what the asking request did not spend goes straight back.
                return granted > 1 ? new RateLimitGiveBack(Key, WindowMs, granted - 1, windowIndex) : null;
            }

            RateLimitGiveBack? stale = null;
            if (_available > 0 && (windowIndex != _windowIndex || now >= _expires))
            {
                stale = new RateLimitGiveBack(Key, WindowMs, _available, _windowIndex);
                _available = 0;
            }

            _available += granted - 1;
            _windowIndex = windowIndex;
            _expires = now + lifetime;
            _lastWanted = wanted;
            _lastGrant = now;
            return stale;
        }
    }

    /// <summary>An ask counted by <see cref="Wanted"/> has its answer (and its grant, if any, is in the lease).</summary>
    public void Answered()
    {
        TaskCompletionSource? settled = null;
        lock (_gate)
        {
            if (--_asking == 0)
            {
                (settled, _settled) = (_settled, null);
            }
        }

        settled?.TrySetResult();
    }

    /// <summary>
    /// Completes when no request of this instance is asking Redis for this lease, so every grant already
    /// decided is in it: a request that Redis refused because a concurrent ask took the last permits can
    /// look again once those permits have landed here.
    /// </summary>
    public Task Settled()
    {
        lock (_gate)
        {
            return _asking == 0
                ? Task.CompletedTask
                : (_settled ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
        }
    }

    /// <summary>
    /// The sweep: takes out unspent permits past their lifetime (to be given back), and retires the lease when
    /// nothing is held, no request is asking Redis for it, and the subject has been quiet for two lifetimes. A grant
    /// that still reaches a retired lease (its request looked the lease up just before it retired) is given back
    /// whole but for the asking request's permit (<see cref="Granted"/>): a lost grant would count until its window
    /// passed and refuse requests the limit allows.
    /// </summary>
    public (RateLimitGiveBack? Expired, bool Retired) Sweep(long now, long lifetime)
    {
        lock (_gate)
        {
            RateLimitGiveBack? expired = null;
            if (_available > 0 && now >= _expires)
            {
                expired = new RateLimitGiveBack(Key, WindowMs, _available, _windowIndex);
                _available = 0;
            }

            if (_available == 0 && _asking == 0 && now - _lastGrant >= 2 * lifetime)
            {
                _retired = true;
            }

            return (expired, _retired);
        }
    }
}

/// <summary>Leased permits never spent, to be subtracted from the window (<paramref name="WindowIndex"/>) they were counted in.</summary>
internal readonly record struct RateLimitGiveBack(string Key, long WindowMs, int Count, long WindowIndex);
