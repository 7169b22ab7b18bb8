using FlashSale.Drill.Cli;
using FlashSale.Drill.Load;
using FlashSale.Drill.Reporting;

namespace FlashSale.Drill.Tests;

/// <summary>Piped output gets plain progress lines, not the live panel repeated whole every 250 ms.</summary>
public sealed class ProgressDisplayTests
{
    [Theory]
    [InlineData(false, true, false, "LivePanel")]
    [InlineData(false, true, true, "Lines")]
    [InlineData(false, false, false, "Lines")]
    [InlineData(false, false, true, "Lines")]
    [InlineData(true, true, false, "None")]
    [InlineData(true, false, true, "None")]
    public void OnlyAnInteractiveTerminalGetsTheLivePanel(bool quiet, bool interactive, bool redirected, string expected) =>
        Assert.Equal(expected, ProgressDisplay.Choose(quiet, interactive, redirected).ToString());

    [Fact]
    public async Task Lines_AreOnePerPhaseChange_Plain()
    {
        var options = DrillOptions.ForPreset(Preset.Seed);
        var stats = new LiveStats { Phase = "setting up" };
        var done = new TaskCompletionSource<int>();
        using var text = new StringWriter();
        var writer = TextWriter.Synchronized(text); // its writes lock the wrapper, so a read under that lock sees whole lines

        var lines = ProgressDisplay.WriteLinesAsync(writer, stats, options, done.Task, TimeSpan.FromSeconds(30));
        await UntilAsync(() => Written().Length >= 1, "the first line (setting up)");
        stats.StartFlood();
        stats.AttemptStarted();
        stats.RequestStarted();
        stats.RequestFinished("201", 1500);
        // The phase last: its change writes the line, which must find the counts above (set after it, a line written in
        // between showed "1 attempt" without "201 1": CI, 2026-12-06).
        stats.Phase = "flooding";
        // Written at the next poll (250 ms): waited for, not slept on (a fixed 1 s left it to the machine's load).
        await UntilAsync(() => Written().Any(l => l.Contains("flooding", StringComparison.Ordinal)), "the line of the phase change (flooding)");
        // Then four more polls' time with nothing changed: a frame written every poll would show here. This only gives such
        // a regression its chance; it cannot fail a display that writes one line per phase change.
        var quiet = System.Diagnostics.Stopwatch.StartNew();
        while (quiet.Elapsed < TimeSpan.FromSeconds(1) && Written().Length <= 2)
        {
            await Task.Delay(20, TestContext.Token);
        }

        done.SetResult(7);

        Assert.Equal(7, await lines);
        var written = Written();
        // Two phases within one interval: two lines, not a frame every 250 ms.
        Assert.Equal(2, written.Length);
        Assert.Contains("setting up", written[0], StringComparison.Ordinal);
        var last = written[^1];
        Assert.Contains("flooding", last, StringComparison.Ordinal);
        Assert.Contains("1 attempts / 1 requests", last, StringComparison.Ordinal);
        Assert.Contains("201 1", last, StringComparison.Ordinal);
        Assert.DoesNotContain(written, l => l.Contains('\u001b', StringComparison.Ordinal) || l.Contains('╭', StringComparison.Ordinal));

        string[] Written()
        {
            lock (writer)
            {
                return text.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
            }
        }
    }

    /// <summary>
    /// A short run (a <c>seed</c> of 0.3 s): every phase gets its line, the ones set between two polls and the last one
    /// set as the run ends. Until 2026-12-07 a piped <c>seed</c> showed only "setting up", its flood and its end unwritten.
    /// </summary>
    [Fact]
    public async Task Lines_ForEveryPhase_OfAShortRun_TheLastOneItsEnd()
    {
        var stats = new LiveStats { Phase = "setting up" };
        var done = new TaskCompletionSource<int>();
        using var text = new StringWriter();

        stats.Phase = "flooding";
        stats.Phase = "checking";
        stats.Phase = "done: all invariants hold";
        done.SetResult(3);
        Assert.Equal(3, await ProgressDisplay.WriteLinesAsync(text, stats, DrillOptions.ForPreset(Preset.Seed), done.Task, TimeSpan.FromSeconds(30)));

        var written = text.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["setting up", "flooding", "checking", "done: all invariants hold"],
            written.Select(l => l.Split(" · ")[2]));
    }

    /// <summary>Polls <paramref name="condition"/> every 20 ms; fails naming <paramref name="what"/> after 10 s.</summary>
    private static async Task UntilAsync(Func<bool> condition, string what)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"{what} was not written within 10 s");
            await Task.Delay(20, TestContext.Token);
        }
    }

    /// <summary>
    /// With no phase change, a line every interval: at least three come (waited for, not slept on: a fixed 1.1 s gave 2
    /// lines on a busy machine, 2026-12-06), and no more than the time taken allows.
    /// </summary>
    [Fact]
    public async Task Lines_RepeatEveryInterval()
    {
        var stats = new LiveStats { Phase = "flooding" };
        // A flood's elapsed time moves, so each interval's line says something new (an unchanged line is not repeated).
        stats.StartFlood();
        var done = new TaskCompletionSource<int>();
        var text = new StringWriter();
        var writer = TextWriter.Synchronized(text); // its writes lock the wrapper, so a read under that lock sees whole lines
        var interval = TimeSpan.FromMilliseconds(200);
        var watch = System.Diagnostics.Stopwatch.StartNew();

        var lines = ProgressDisplay.WriteLinesAsync(writer, stats, DrillOptions.ForPreset(Preset.Crowd), done.Task, interval);
        while (Count() < 3 && watch.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(20, TestContext.Token);
        }

        var elapsed = watch.Elapsed;
        done.SetResult(0);
        await lines;

        Assert.InRange(Count(), 3, (int)(elapsed / interval) + 2);

        int Count()
        {
            lock (writer)
            {
                return text.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries).Length;
            }
        }
    }

    /// <summary>
    /// Outside the flood nothing moves while the drill waits out a server's Retry-After: the wait's line once, not again
    /// each interval. Until 2026-12-07 a 6 s wait printed "… waiting: … again in 6 s" twice in a row (a 5 s interval).
    /// </summary>
    [Fact]
    public async Task AnUnchangedLine_IsNotRepeatedEachInterval()
    {
        var stats = new LiveStats();
        stats.StartFlood();
        stats.EndFlood(TimeSpan.FromSeconds(2));
        stats.TakePhases();
        stats.Phase = "checking — waiting: GET api/v1/admin/sales/1/orders: HTTP 429 rate_limited; again in 6 s";
        var done = new TaskCompletionSource<int>();
        var text = new StringWriter();
        var writer = TextWriter.Synchronized(text);
        var interval = TimeSpan.FromMilliseconds(10);

        var lines = ProgressDisplay.WriteLinesAsync(writer, stats, DrillOptions.ForPreset(Preset.Crowd), done.Task, interval);
        // Twenty intervals with nothing changed: each would have written the line again.
        await Task.Delay(interval * 20, TestContext.Token);
        stats.Phase = "checking";
        done.SetResult(0);
        await lines;

        var written = text.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["checking — waiting: GET api/v1/admin/sales/1/orders: HTTP 429 rate_limited; again in 6 s", "checking"],
            written.Select(l => l.Split(" · ")[2]));
    }
}
