namespace FlashSale.Drill.Load;

/// <summary>
/// How long the flood ran, and whether it was cut short (the run is then partial): <see cref="Interrupted"/> by the
/// operator's stop or the hard deadline, <see cref="DeadlineHit"/> when the deadline did it.
/// </summary>
internal readonly record struct FloodResult(TimeSpan Length, bool Interrupted, bool DeadlineHit = false);
