using FlashSale.Drill.Cli;
using FlashSale.Drill.Load;

namespace FlashSale.Drill.Tests;

/// <summary>What the drill says when the first stop signal comes: what happens now depends on the phase.</summary>
public sealed class StopSignalsTests
{
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(5);

    [Fact]
    public void DuringSetup_NothingIsSent_AndTheRunEnds()
    {
        var notice = StopSignals.Notice("SIGINT (Ctrl+C)", new LiveStats(), Grace);

        Assert.Equal("drill: SIGINT (Ctrl+C): stopping before the flood — no purchase is sent, nothing to check (exit 2).", notice);
    }

    [Fact]
    public void DuringTheFlood_NoNewRequests_AGraceForThoseInFlight_ThenTheSummary()
    {
        var stats = new LiveStats();
        stats.StartFlood();
        stats.RequestStarted();
        stats.RequestStarted();

        var notice = StopSignals.Notice("SIGTERM", stats, Grace);

        Assert.StartsWith("drill: SIGTERM: stopping — no new requests; up to 5s for the 2 in flight, then the summary of what was done.",
            notice, StringComparison.Ordinal);
        Assert.EndsWith("Press Ctrl+C again (or send another SIGTERM, half a second or more later) to exit at once without one.", notice, StringComparison.Ordinal);
    }

    [Fact]
    public void AfterTheFlood_TheCheckGoesOn()
    {
        var stats = new LiveStats();
        stats.StartFlood();
        stats.EndFlood(TimeSpan.FromSeconds(3));

        var notice = StopSignals.Notice("SIGINT (Ctrl+C)", stats, Grace);

        Assert.StartsWith("drill: SIGINT (Ctrl+C): the flood is over — the check of what it did goes on, then the summary.", notice,
            StringComparison.Ordinal);
    }

    /// <summary>A clock the test moves by hand.</summary>
    private sealed class ManualClock : TimeProvider
    {
        public long Ticks { get; set; }

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => Ticks;
    }

    /// <summary>
    /// SIGTERM to the process group (as <c>timeout</c> sends it) reaches the drill twice at once, the second forwarded by
    /// <c>dotnet run</c>: one stop. Until 2026-12-07 the pair was a first and a second stop, and the drill exited 2 at once.
    /// </summary>
    [Fact]
    public void ASecondSignalWithinHalfASecond_IsTheSameStop_ALaterOneForcesTheExit()
    {
        var clock = new ManualClock();
        var count = new StopSignalCount(clock);

        Assert.Equal(StopSignalKind.First, count.Receive());
        clock.Ticks += TimeSpan.FromMilliseconds(10).Ticks;
        Assert.Equal(StopSignalKind.SameStop, count.Receive());
        clock.Ticks += TimeSpan.FromMilliseconds(480).Ticks;
        Assert.Equal(StopSignalKind.SameStop, count.Receive());
        clock.Ticks += TimeSpan.FromMilliseconds(10).Ticks; // 500 ms after the first
        Assert.Equal(StopSignalKind.Forced, count.Receive());
        clock.Ticks += TimeSpan.FromSeconds(3).Ticks;
        Assert.Equal(StopSignalKind.Forced, count.Receive());
    }
}
