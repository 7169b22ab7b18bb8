namespace FlashSale.Drill.Checking;

/// <summary>The server's stock counters for a sale, read at rest after the flood.</summary>
internal sealed record StockSnapshot(int TotalStock, int RemainingStock, int Sold);
