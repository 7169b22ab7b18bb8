namespace FlashSale.Drill.Tests;

/// <summary>
/// acks-are-orders: a 2xx is its attempt's order on the server in every part the drill can compare — the buyer, the sale,
/// the units and the Idempotency-Key it was sent with — and says so in its own body.
/// </summary>
public sealed class AcknowledgedOrderTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("key-other")]
    public void AnAcknowledgedOrderRecordedWithoutItsKey_OrUnderAnother_IsDetected(string? storedKey)
    {
        var s = Scenario.Clean();
        s.Orders[3] = s.Orders[3] with { IdempotencyKey = storedKey };

        var acks = Assert.Single(s.Check(), v => v.Id == "acks-are-orders");

        Assert.Equal(["acks-are-orders"], Scenario.Failed(s.Check()));
        var violation = Assert.Single(acks.Examples);
        Assert.Contains("order-3", violation, StringComparison.Ordinal);
        Assert.Contains("key-3", violation, StringComparison.Ordinal);
    }

    [Fact]
    public void AKeylessAttemptsOrder_NeedsNoKey()
    {
        var s = Scenario.Clean();
        s.Records[3] = s.Records[3] with { IdempotencyKey = null };
        s.Orders[3] = s.Orders[3] with { IdempotencyKey = null };

        Assert.Empty(Scenario.Failed(s.Check()));
    }

    [Fact]
    public void A201NamingAnotherBuyer_IsDetected()
    {
        var s = Scenario.Clean();
        s.Records[2] = s.Records[2] with { AckUserId = "user-7" };

        var acks = Assert.Single(s.Check(), v => v.Id == "acks-are-orders");

        Assert.Equal(["acks-are-orders"], Scenario.Failed(s.Check()));
        Assert.Contains("user-7", Assert.Single(acks.Examples), StringComparison.Ordinal);
    }

    [Fact]
    public void A201TellingOtherUnitsThanRecorded_IsDetected()
    {
        var s = Scenario.Clean();
        s.Records[2] = s.Records[2] with { AckQuantity = 2 };

        var acks = Assert.Single(s.Check(), v => v.Id == "acks-are-orders");

        Assert.Equal(["acks-are-orders"], Scenario.Failed(s.Check()));
        Assert.Contains("×2", Assert.Single(acks.Examples), StringComparison.Ordinal);
    }

    [Fact]
    public void A201NamingAnotherSale_IsDetected()
    {
        var s = Scenario.Clean();
        s.Records[2] = s.Records[2] with { AckSaleId = "sale-2" };

        Assert.Equal(["acks-are-orders"], Scenario.Failed(s.Check()));
    }

    [Fact]
    public void AReplayNamingAnotherBuyer_IsDetected_EvenWhenTheFirstAnswerWasRight()
    {
        var s = Scenario.Clean();
        s.Records.Add(Scenario.Record(2, "user-2", "key-2", 201, orderId: "order-2", start: 100, copy: 2) with { AckUserId = "user-9" });

        Assert.Equal(["acks-are-orders"], Scenario.Failed(s.Check()));
    }

    [Fact]
    public void A2xxBodyWithoutTheOrdersParts_IsNotCompared()
    {
        var s = Scenario.Clean();
        s.Records[2] = s.Records[2] with { AckUserId = null, AckSaleId = null, AckQuantity = null };

        Assert.Empty(Scenario.Failed(s.Check()));
    }
}
