using FlashSale.Drill.Checking;
using FlashSale.Drill.Load;

namespace FlashSale.Drill.Tests;

/// <summary>
/// An order no client was told of (the answer lost, a 503 with <c>outcomeUnknown</c>): no-phantom-orders holds it to the
/// attempt it is attributed to, and idempotent-replays to every copy of its key sent once it surely existed.
/// </summary>
public sealed class UntoldOrderTests
{
    /// <summary>
    /// The clean run, limit 2, where user-20's purchase of one unit was answered 503 with outcomeUnknown, on a sale with
    /// <paramref name="untold"/> units more: the units of the orders the test adds.
    /// </summary>
    private static Scenario UnknownOutcome(string? key, int untold = 1)
    {
        var s = Scenario.Clean();
        s.Sale = s.Sale with { TotalStock = 10 + untold, PerUserLimit = 2 };
        s.Stock = new StockSnapshot(10 + untold, 0, 10 + untold);
        s.Records.Add(Scenario.Record(20, "user-20", key, 503, reason: "unavailable", start: 500, detail: Scenario.LedgerDown,
            outcomeUnknown: true));
        return s;
    }

    [Theory]
    [InlineData("key-20")]
    [InlineData(null)]
    public void AnUntoldOrderOfOtherUnitsThanItsAttemptAsked_IsDetected(string? key)
    {
        var s = UnknownOutcome(key, untold: 2);
        s.Orders.Add(new ServerOrder("order-20", Scenario.SaleId, "user-20", 2, ServerOrder.Confirmed, key));

        var phantom = Assert.Single(s.Check(), v => v.Id == "no-phantom-orders");

        Assert.Equal(["no-phantom-orders"], Scenario.Failed(s.Check()));
        var violation = Assert.Single(phantom.Examples);
        Assert.Contains("order-20", violation, StringComparison.Ordinal);
        Assert.Contains("×2", violation, StringComparison.Ordinal);
    }

    [Fact]
    public void KeylessUntoldOrders_AreMatchedToRequestsOfTheirUnits()
    {
        var s = UnknownOutcome(null, untold: 3);
        s.Sale = s.Sale with { PerUserLimit = 3 };
        s.Records.Add(Scenario.Record(21, "user-20", null, 0, error: AttemptRecord.Interrupted, start: 600, quantity: 2));
        s.Orders.Add(new ServerOrder("order-20a", Scenario.SaleId, "user-20", 2, ServerOrder.Confirmed, null));
        s.Orders.Add(new ServerOrder("order-20b", Scenario.SaleId, "user-20", 1, ServerOrder.Confirmed, null));

        Assert.Empty(Scenario.Failed(s.Check()));
    }

    [Theory]
    [InlineData(409, "sale_not_started")]
    [InlineData(409, "sale_ended")]
    [InlineData(400, "validation_failed")]
    [InlineData(404, "sale_not_found")]
    public void ARefusalSentAfterTheUnknownOutcomeWhoseOrderExists_IsDetected(int status, string reason)
    {
        // The key is looked up before anything else: once its order exists, a retry gets that order.
        var s = UnknownOutcome("key-20");
        s.Sale = s.Sale with { CreatedByDrill = false }; // 400, 404 and sale_ended are possible there: only the replay is wrong
        s.Orders.Add(new ServerOrder("order-20", Scenario.SaleId, "user-20", 1, ServerOrder.Confirmed, "key-20"));
        s.Records.Add(Scenario.Record(20, "user-20", "key-20", status, reason: reason, start: 600, copy: 2));

        var replays = Assert.Single(s.Check(), v => v.Id == "idempotent-replays");

        Assert.Equal(["idempotent-replays"], Scenario.Failed(s.Check()));
        Assert.Contains($"{status} {reason} after order order-20", Assert.Single(replays.Examples), StringComparison.Ordinal);
    }

    [Fact]
    public void ARefusalOverlappingTheUnknownOutcome_OrAfterAnUnansweredCopy_IsNoReplayOfTheOrder()
    {
        // Sent before the 503 came back, the copy may have been decided before the order was.
        var s = UnknownOutcome("key-20");
        s.Orders.Add(new ServerOrder("order-20", Scenario.SaleId, "user-20", 1, ServerOrder.Confirmed, "key-20"));
        s.Records.Add(Scenario.Record(20, "user-20", "key-20", 409, reason: "sale_not_started", start: 502, copy: 2));

        Assert.Empty(Scenario.Failed(s.Check()));

        // A copy that timed out may still be buying on the server: the order may be younger than a later copy.
        s.Records.Add(Scenario.Record(20, "user-20", "key-20", 0, error: "timeout", start: 300, copy: 3));
        s.Records[^2] = s.Records[^2] with { StartMicros = 600, EndMicros = 605 };
        Assert.Equal(["all-answered"], Scenario.Failed(s.Check()));
    }

    [Fact]
    public void ARefusalSentWellAfterTheOrdersPurchaseTime_IsDetected_EvenAfterAnUnansweredCopy()
    {
        var floodStart = new DateTimeOffset(2026, 12, 6, 10, 0, 0, TimeSpan.Zero);
        var s = Scenario.Clean();
        s.Sale = s.Sale with { TotalStock = 11 };
        s.Stock = new StockSnapshot(11, 0, 11);
        s.Run = new RunFacts { FloodStartedAt = floodStart };
        s.Records.Add(Scenario.Record(20, "user-20", "key-20", 0, error: "timeout", start: 500));
        s.Orders.Add(new ServerOrder("order-20", Scenario.SaleId, "user-20", 1, ServerOrder.Confirmed, "key-20")
        {
            PurchasedAt = floodStart.AddMilliseconds(1),
        });
        // Half a minute later: within the allowance for the two machines' clocks, so not judged.
        s.Records.Add(Scenario.Record(20, "user-20", "key-20", 409, reason: "sale_not_started", start: 30_000_000, copy: 2));

        Assert.Equal(["all-answered"], Scenario.Failed(s.Check()));

        s.Records[^1] = s.Records[^1] with { StartMicros = 120_000_000, EndMicros = 120_000_005 };
        Assert.Equal(["all-answered", "idempotent-replays"], Scenario.Failed(s.Check()));
    }
}
