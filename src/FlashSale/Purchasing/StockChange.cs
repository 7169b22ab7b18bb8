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
/// <param name="EndsAt">
/// With <see cref="StockChangeVerdict.Taken"/>, when the ledger said: the end it took. An end moved earlier is taken no
/// earlier than just after the latest purchase the ledger decided (one timed by a clock read after the admin's, or on
/// an instance a little ahead, was sold under the old end), as "end now" is (<see cref="IPurchaseLedger.EndAsync"/>).
/// </param>
public readonly record struct StockChange(StockChangeVerdict Verdict, int Sold = 0, DateTimeOffset? EndsAt = null)
{
    public static readonly StockChange Taken = new(StockChangeVerdict.Taken);

    public static StockChange TakenWithEnd(DateTimeOffset endsAt) => new(StockChangeVerdict.Taken, EndsAt: endsAt);

    public static readonly StockChange Ended = new(StockChangeVerdict.Ended);

    public static StockChange BelowSold(int sold) => new(StockChangeVerdict.BelowSold, sold);
}
