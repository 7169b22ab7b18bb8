namespace FlashSale.Drill.Reporting;

/// <summary>
/// Guards the live panel's redraws so that the display can be stopped for good before a last message: a redraw moves
/// the cursor up over the panel and writes it again, over whatever was printed below it. Until 2026-12-07 the second
/// Ctrl+C's "exiting at once" line was overwritten by one more redraw before the process ended.
/// </summary>
internal sealed class LiveRedraw
{
    private readonly Lock _gate = new();
    private bool _frozen;

    /// <summary>Runs <paramref name="redraw"/> unless the display was frozen; false once it is.</summary>
    public bool TryRedraw(Action redraw)
    {
        ArgumentNullException.ThrowIfNull(redraw);
        lock (_gate)
        {
            if (_frozen)
            {
                return false;
            }

            redraw();
            return true;
        }
    }

    /// <summary>Stops the display: a redraw under way is finished first, and none runs after this returns.</summary>
    public void Freeze()
    {
        lock (_gate)
        {
            _frozen = true;
        }
    }
}
