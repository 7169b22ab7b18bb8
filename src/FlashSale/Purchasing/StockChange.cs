namespace FlashSale.Purchasing;

/// <summary>What a ledger made of a started sale's new stock and end (<see cref="IPurchaseLedger.TryChangeStockAsync"/>).</summary>
public enum StockChangeVerdict
{
    /// <summary>Taken: the ledger sells on the new terms.</summary>
    Taken,

    /// <summary>More units are sold or being sold than the new stock (<see cref="StockChange.Sold"/>): nothing changed.</summary>
    BelowSold,

    /// <summary>The sale had ended by the ledger's clock, so it is not reopened: nothing changed.</summary>
    Ended,
}

/// <param name="Verdict">What the ledger did.</param>
/// <param name="Sold">With <see cref="StockChangeVerdict.BelowSold"/>: the units sold or being sold.</param>
public readonly record struct StockChange(StockChangeVerdict Verdict, int Sold = 0)
{
    public static readonly StockChange Taken = new(StockChangeVerdict.Taken);

    public static readonly StockChange Ended = new(StockChangeVerdict.Ended);

    public static StockChange BelowSold(int sold) => new(StockChangeVerdict.BelowSold, sold);
}
