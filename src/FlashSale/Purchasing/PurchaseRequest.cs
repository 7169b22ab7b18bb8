namespace FlashSale.Purchasing;

/// <summary>
/// The whole body of a purchase. Nothing else is accepted: the buyer comes from the token, the price from the sale.
/// <paramref name="ExpectedUnitPrice"/> and <paramref name="ExpectedCurrency"/>, when given, are the price the buyer was
/// shown: the purchase is refused (<c>409 price_changed</c>, nothing bought) unless the sale's price is that price when it
/// is decided. A sale's price may change until its first order, so a page drawn earlier can show an old one.
/// </summary>
public sealed record PurchaseRequest(int Quantity, decimal? ExpectedUnitPrice = null, string? ExpectedCurrency = null)
{
    /// <summary>The fields' problems, or null: a price as a sale's may be (0 to 1,000,000,000, cents), a currency code.</summary>
    public Dictionary<string, string[]>? Problems()
    {
        Dictionary<string, string[]>? problems = null;
        if (ExpectedUnitPrice is { } price && (price < 0 || price > Common.Money.MaxPrice || Common.Money.Normalize(price) != price))
        {
            (problems ??= [])["expectedUnitPrice"] = ["must be a price between 0 and 1,000,000,000 with at most 2 decimals."];
        }

        if (ExpectedCurrency is { } currency && !Common.Money.IsCurrency(currency))
        {
            (problems ??= [])["expectedCurrency"] = ["must be an ISO 4217 currency code such as USD, EUR or JPY."];
        }

        return problems;
    }
}
