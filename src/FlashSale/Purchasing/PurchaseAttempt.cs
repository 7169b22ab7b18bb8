namespace FlashSale.Purchasing;

/// <summary>
/// One validated purchase attempt by an authenticated user (the user comes from the token). The expected price and
/// currency, when given, are what the buyer was shown: the ledger refuses the attempt (<see cref="PurchaseRejection.PriceChanged"/>)
/// unless the sale has them when it decides, in the same step as the stock.
/// </summary>
public sealed record PurchaseAttempt(Guid SaleId, string UserId, string Username, int Quantity, string? IdempotencyKey,
    decimal? ExpectedUnitPrice = null, string? ExpectedCurrency = null)
{
    /// <summary>Whether the sale's price, <paramref name="price"/> in <paramref name="currency"/>, is not the one expected.</summary>
    public bool PriceDiffers(decimal price, string currency) =>
        (ExpectedUnitPrice is { } expected && expected != price)
        || (ExpectedCurrency is { } code && !string.Equals(code, currency, StringComparison.Ordinal));
}
