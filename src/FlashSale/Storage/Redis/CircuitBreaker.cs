namespace FlashSale.Storage.Redis;

/// <summary>
/// Closed: every call goes through. A call that fails (or takes too long) opens it: for <c>openFor</c> calls are refused
/// at once, without waiting on a store that just failed; then one call (the probe) goes through while the others are
/// still refused. The probe answering closes it; failing, opens it again. Thread-safe: one lock, taken only while open
/// (a closed breaker is one volatile read) and when a call fails.
/// </summary>
internal sealed class CircuitBreaker(TimeSpan openFor, TimeProvider time)
{
    private readonly Lock _gate = new();
    private volatile bool _open;
    private long _retryAt;
    private bool _probing;

    /// <summary>Open and not yet due for a probe: Redis failed less than <c>openFor</c> ago.</summary>
    public bool Refusing => _open && time.GetTimestamp() < Interlocked.Read(ref _retryAt);

    /// <summary>
    /// Whether a call may go; <paramref name="probe"/> when it is the one call let through an open breaker, which must
    /// then end in <see cref="Succeeded"/>, <see cref="Failed"/> or <see cref="Release"/>.
    /// </summary>
    public bool TryEnter(out bool probe)
    {
        probe = false;
        if (!_open)
        {
            return true;
        }

        lock (_gate)
        {
            if (!_open)
            {
                return true;
            }

            if (_probing || time.GetTimestamp() < _retryAt)
            {
                return false;
            }

            _probing = probe = true;
            return true;
        }
    }

    /// <summary>A call failed: open (again) for <c>openFor</c>. True when this closed the breaker's way (log once per opening).</summary>
    public bool Failed(bool probe)
    {
        lock (_gate)
        {
            var opened = !_open;
            _open = true;
            Interlocked.Exchange(ref _retryAt, time.GetTimestamp() + (long)(openFor.TotalSeconds * time.TimestampFrequency));
            if (probe)
            {
                _probing = false;
            }

            return opened;
        }
    }

    /// <summary>
    /// A call was answered. The probe's answer closes the breaker (true: it was open); a call let through before it opened
    /// proves nothing about the store now and leaves it as it is.
    /// </summary>
    public bool Succeeded(bool probe)
    {
        if (!probe)
        {
            return false;
        }

        lock (_gate)
        {
            _probing = false;
            var closed = _open;
            _open = false;
            return closed;
        }
    }

    /// <summary>The probe ended neither way (the store answered with an error of the call's own): the next call probes.</summary>
    public void Release(bool probe)
    {
        if (probe)
        {
            lock (_gate)
            {
                _probing = false;
            }
        }
    }
}
