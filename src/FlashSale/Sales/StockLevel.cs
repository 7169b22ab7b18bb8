namespace FlashSale.Sales;

/// <summary>What the purchase ledger says about a sale's stock right now.</summary>
public readonly record struct StockLevel(int TotalStock, int Remaining)
{
    public int Sold => TotalStock - Remaining;
}
