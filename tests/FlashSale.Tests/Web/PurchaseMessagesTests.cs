using FlashSale.Orders;
using FlashSale.Purchasing;
using FlashSale.Web;

namespace FlashSale.Tests.Web;

/// <summary>
/// A pending order (distributed: a 202, decided and kept in Redis, not yet in the record) is told apart from a confirmed
/// one on the buy form's page, as the script tells a 202 apart (ShopTests.APendingOrder_…). Until 2026-12-06 both
/// said "Your order is confirmed".
/// </summary>
public sealed class PurchaseMessagesTests
{
    private static readonly Order AnOrder = new()
    {
        Id = Guid.NewGuid(), SaleId = Guid.NewGuid(), UserId = "buyer", Username = "buyer", Quantity = 1, UnitPrice = 10m,
        Currency = "USD", PurchasedAt = DateTimeOffset.UnixEpoch, RemainingAfter = 0,
    };

    [Fact]
    public void APendingOrder_IsTakenAndBeingRecorded_NotConfirmed()
    {
        var code = PurchaseMessages.Code(new PurchaseOutcome.Pending(AnOrder));

        Assert.Equal(PurchaseMessages.Pending, code);
        Assert.Contains("being recorded", PurchaseMessages.All[code].Text, StringComparison.Ordinal);
        Assert.DoesNotContain("confirmed", PurchaseMessages.All[code].Text, StringComparison.Ordinal);
    }

    [Fact]
    public void AConfirmedOrder_IsConfirmed() =>
        Assert.Contains("confirmed", PurchaseMessages.All[PurchaseMessages.Code(new PurchaseOutcome.Confirmed(AnOrder))].Text,
            StringComparison.Ordinal);

    [Fact]
    public void MyOrders_InAMessage_IsALinkToThem_AndTheRestStaysText()
    {
        Assert.Equal("""You got it! Your order is confirmed — see <a href="/orders">My orders</a>.""",
            PurchaseMessages.All[PurchaseMessages.Bought].Body.Value);
        Assert.Equal("&lt;b&gt;My&lt;/b&gt; &amp; <a href=\"/orders\">My orders</a>", Flash.Ok("<b>My</b> & My orders").Body.Value);
    }
}
