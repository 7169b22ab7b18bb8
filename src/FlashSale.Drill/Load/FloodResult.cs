namespace FlashSale.Drill.Load;

/// <summary>How long the flood ran, and whether an interrupt cut it short (the run is then partial).</summary>
internal readonly record struct FloodResult(TimeSpan Length, bool Interrupted);
