namespace FlashSale.Operations;

/// <summary>
/// Whether this instance's clock may decide sale windows (G6). In distributed mode every instance decides a window on its
/// own clock (<c>purchase.lua</c> takes the time from the caller, so tests can fake it), so an instance whose clock is off
/// confirms purchases before a start, or after an end, that the others refuse, and an admin's "end now" on it writes an
/// end the others have not reached. <c>Storage/Redis/ClockSkewWatch.cs</c> compares it with Redis's clock. Embedded: one
/// clock, nothing to agree with; no check is registered.
/// </summary>
public interface IClockCheck
{
    /// <summary>
    /// True while the latest conclusive measurement found the clock in step (or the check is off). False while it is off,
    /// and until a first measurement has succeeded: an unchecked clock is not trusted (fail closed).
    /// </summary>
    bool InStep { get; }
}
