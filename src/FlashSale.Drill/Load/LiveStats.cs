using System.Collections.Concurrent;
using System.Diagnostics;
using HdrHistogram;

namespace FlashSale.Drill.Load;

/// <summary>Counters the virtual users bump and the live display reads; latency in microseconds.</summary>
internal sealed class LiveStats
{
    // 1 µs .. 1 h at 3 significant digits.
    private const long HighestMicros = 3_600_000_000;
    private readonly ConcurrentDictionary<string, long> _outcomes = new(StringComparer.Ordinal);
    private long _completed;
    private long _inFlight;
    private long _attempts;
    private long _floodStart;
    private long _floodTicks = -1;

    public LongConcurrentHistogram Latency { get; } = new(1, HighestMicros, 3);

    private volatile string _phase = "starting";
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _phases = new();

    public string Phase
    {
        get => _phase;
        set
        {
            _phase = value;
            _phases.Enqueue(value);
        }
    }

    /// <summary>
    /// The phases set since the last call, in order: the plain-line display writes a line for each, however short
    /// (sampling <see cref="Phase"/> every 250 ms missed a <c>seed</c>'s flooding and end: 2026-12-07).
    /// </summary>
    public List<string> TakePhases()
    {
        var taken = new List<string>();
        while (_phases.TryDequeue(out var phase))
        {
            taken.Add(phase);
        }

        return taken;
    }

    public long Completed => Interlocked.Read(ref _completed);
    public long InFlight => Interlocked.Read(ref _inFlight);
    public long Attempts => Interlocked.Read(ref _attempts);

    /// <summary>Time since the flood started; once it has ended, its length (checking is not flooding).</summary>
    public TimeSpan FloodElapsed =>
        Interlocked.Read(ref _floodTicks) is var ended and >= 0 ? TimeSpan.FromTicks(ended)
        : Interlocked.Read(ref _floodStart) is var start and > 0 ? Stopwatch.GetElapsedTime(start)
        : TimeSpan.Zero;

    public bool FloodStarted => Interlocked.Read(ref _floodStart) > 0;

    public bool FloodEnded => Interlocked.Read(ref _floodTicks) >= 0;

    public void StartFlood() => Interlocked.Exchange(ref _floodStart, Stopwatch.GetTimestamp());

    /// <summary>Freezes <see cref="FloodElapsed"/> at the flood's length, the one the summary reports.</summary>
    public void EndFlood(TimeSpan length) => Interlocked.Exchange(ref _floodTicks, Math.Max(0, length.Ticks));

    public void AttemptStarted() => Interlocked.Increment(ref _attempts);

    public void RequestStarted() => Interlocked.Increment(ref _inFlight);

    public void RequestFinished(string outcome, long latencyMicros)
    {
        Interlocked.Decrement(ref _inFlight);
        Interlocked.Increment(ref _completed);
        _outcomes.AddOrUpdate(outcome, 1, static (_, n) => n + 1);
        Latency.RecordValue(Math.Clamp(latencyMicros, 1, HighestMicros));
    }

    /// <summary>A request the drill gave up on at an interrupt: counted, but its cut-short wait is no latency.</summary>
    public void RequestCutOff(string outcome)
    {
        Interlocked.Decrement(ref _inFlight);
        Interlocked.Increment(ref _completed);
        _outcomes.AddOrUpdate(outcome, 1, static (_, n) => n + 1);
    }

    public IReadOnlyList<KeyValuePair<string, long>> Outcomes() =>
        [.. _outcomes.OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal)];
}
