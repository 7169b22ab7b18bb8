namespace FlashSale.Purchasing;

/// <summary>
/// One validated purchase attempt by an authenticated user (the user comes from the token). The expected price and
/// currency, when given, are what the buyer was shown: the ledger refuses the attempt (<see cref="PurchaseRejection.PriceChanged"/>)
/// unless the sale has them when it decides, in the same step as the stock.
/// </summary>
public sealed record PurchaseAttempt(Guid SaleId, string UserId, string Username, int Quantity, string? IdempotencyKey,
    decimal? ExpectedUnitPrice = null, string? ExpectedCurrency = null)
{
    /// <summary>
    /// Whether the sold-out short-circuit (both ledgers) may answer this attempt <c>sold_out</c> without deciding it: it
    /// carries no key (a keyed retry may hold an earlier answer: G5) and asks a quantity the sale allows (a wrong one is
    /// refused as such, not as sold out).
    /// </summary>
    public bool FitsSoldOutShortCircuit(int perUserLimit) => IdempotencyKey is null && Quantity >= 1 && Quantity <= perUserLimit;

    /// <summary>Whether the sale's price, <paramref name="price"/> in <paramref name="currency"/>, is not the one expected.</summary>
    public bool PriceDiffers(decimal price, string currency) =>
        (ExpectedUnitPrice is { } expected && expected != price)
        || (ExpectedCurrency is { } code && !string.Equals(code, currency, StringComparison.Ordinal));
}
