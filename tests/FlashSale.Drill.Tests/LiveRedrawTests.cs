using FlashSale.Drill.Reporting;

namespace FlashSale.Drill.Tests;

/// <summary>The live panel stops for good before the second Ctrl+C's message, so no redraw writes over it.</summary>
public sealed class LiveRedrawTests
{
    [Fact]
    public void AfterFreeze_NothingIsRedrawn()
    {
        var redraw = new LiveRedraw();
        var drawn = 0;

        Assert.True(redraw.TryRedraw(() => drawn++));
        redraw.Freeze();

        Assert.False(redraw.TryRedraw(() => drawn++));
        Assert.Equal(1, drawn);
    }

    /// <summary>
    /// A redraw under way when the signal comes is finished before Freeze returns, so the message printed next lands
    /// below the panel, not under a redraw still writing it (until 2026-12-07 nothing held the redraw back).
    /// </summary>
    [Fact]
    public async Task Freeze_WaitsForARedrawUnderWay()
    {
        var redraw = new LiveRedraw();
        using var drawing = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var finished = false;
        var draw = Task.Run(() => redraw.TryRedraw(() =>
        {
            drawing.Set();
            release.Wait(TestContext.Token);
            finished = true;
        }));
        drawing.Wait(TestContext.Token);

        var freeze = Task.Run(() =>
        {
            redraw.Freeze();
            return Volatile.Read(ref finished);
        });
        // Let Freeze run ahead while the redraw is held: a Freeze that did not wait would return now, seeing it unfinished.
        await Task.WhenAny(freeze, Task.Delay(200, TestContext.Token));
        release.Set();

        Assert.True(await freeze);
        Assert.True(await draw);
    }
}
