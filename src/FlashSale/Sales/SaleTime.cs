namespace FlashSale.Sales;

/// <summary>
/// Sale times at the precision every store keeps: whole milliseconds, UTC (SQLite and the Redis ledger hold Unix
/// milliseconds; PostgreSQL is written at milliseconds). A request's times are cut to it before they are judged, so
/// the window that was validated is the window stored, answered and read back; a window checked at 100 ns would let
/// 00.0001 → 00.0009 through and store one that ends when it starts. Times the server picks (an early end, the demo
/// sales) are cut too before the ledger and the record take them, so both close a sale at the same instant.
/// </summary>
public static class SaleTime
{
    /// <summary>Cut (never rounded up) to the millisecond, as <see cref="DateTimeOffset.ToUnixTimeMilliseconds"/> does.</summary>
    public static DateTimeOffset Truncate(DateTimeOffset at) =>
        new(at.UtcTicks - (at.UtcTicks % TimeSpan.TicksPerMillisecond), TimeSpan.Zero);
}
