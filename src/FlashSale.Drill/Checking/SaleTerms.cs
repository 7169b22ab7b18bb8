namespace FlashSale.Drill.Checking;

/// <summary>A sale's stock and per-user limit as one source gives them: what the drill asked for, or a server answer.</summary>
internal sealed record SaleTerms(string Source, int TotalStock, int PerUserLimit);
