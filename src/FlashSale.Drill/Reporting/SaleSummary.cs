namespace FlashSale.Drill.Reporting;

/// <summary>A sale's state after the flood as the server reported it.</summary>
public sealed record SaleSummary(string SaleId, string? Sku, int TotalStock, int Sold, int Remaining, int PerUserLimit, int Orders);
