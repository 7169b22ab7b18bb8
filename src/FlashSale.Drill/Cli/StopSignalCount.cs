namespace FlashSale.Drill.Cli;

/// <summary>What a stop signal means, by when it comes: the first stops, a second soon after is the same stop, a later one forces.</summary>
internal enum StopSignalKind
{
    /// <summary>The first: stop the flood, then the summary.</summary>
    First,

    /// <summary>Within <see cref="StopSignalCount.SameStop"/> of the first: the same stop sent twice, ignored.</summary>
    SameStop,

    /// <summary>A second stop later: exit at once.</summary>
    Forced,
}

/// <summary>
/// Counts stop signals. One stop often arrives as two signals at once: <c>timeout</c> (and <c>kill -- -pgid</c>) sends
/// SIGTERM to the whole process group, and <c>dotnet run</c>, in that group, forwards its own to the drill; a terminal's
/// Ctrl+C likewise reaches both. Until 2026-12-07 the pair counted as two and the drill exited 2 at once, no summary.
/// </summary>
internal sealed class StopSignalCount(TimeProvider time)
{
    /// <summary>A second signal this soon after the first is the same stop; a person pressing Ctrl+C again takes longer.</summary>
    public static readonly TimeSpan SameStop = TimeSpan.FromMilliseconds(500);

    private readonly Lock _gate = new();
    private long? _first;

    public StopSignalKind Receive()
    {
        lock (_gate)
        {
            var now = time.GetTimestamp();
            if (_first is not { } first)
            {
                _first = now;
                return StopSignalKind.First;
            }

            return time.GetElapsedTime(first, now) < SameStop ? StopSignalKind.SameStop : StopSignalKind.Forced;
        }
    }
}
