using FlashSale.Purchasing;

namespace FlashSale.Tests.Purchasing;

/// <summary>The ledgers' one wording of each refusal, read by buyers in the problem's detail.</summary>
public sealed class RejectionWordingTests
{
    /// <summary>The <c>errors</c> message of <c>quantity</c>: it completes the field's name (it began "Quantity …" until 2026-12-07).</summary>
    [Theory]
    [InlineData(1, "must be 1 for this sale.")]
    [InlineData(3, "must be between 1 and 3 for this sale.")]
    public void AQuantityOutOfRange_SaysWhatItMayBe(int limit, string detail) =>
        Assert.Equal(detail, PurchaseOutcome.Rejected.QuantityOutOfRange(limit).Detail);

    [Theory]
    [InlineData("180", "USD", "The price is now 180.00 USD.")]
    [InlineData("1234.5", "EUR", "The price is now 1,234.50 EUR.")]
    [InlineData("5000", "JPY", "The price is now 5,000 JPY.")]
    public void APriceChanged_SaysThePriceNow_InTheCurrencysDecimals(string price, string currency, string detail)
    {
        var rejected = PurchaseOutcome.Rejected.PriceChanged(decimal.Parse(price, System.Globalization.CultureInfo.InvariantCulture), currency);

        Assert.Equal(detail, rejected.Detail);
        Assert.Equal(PurchaseRejection.PriceChanged, rejected.Reason);
        Assert.Equal(currency, rejected.Currency);
    }
}
