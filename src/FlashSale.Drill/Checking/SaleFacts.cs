namespace FlashSale.Drill.Checking;

/// <summary>The sale as configured: how many units and how many per user.</summary>
internal sealed record SaleFacts(string SaleId, int TotalStock, int PerUserLimit);
