using FlashSale.Drill.Checking;
using FlashSale.Drill.Load;

namespace FlashSale.Drill.Tests;

/// <summary>
/// The checker on a run the operator interrupted: requests cut off in flight have unknown outcomes (judged as a lost answer
/// is, never as a finding against the server), and the seed preset's exact count becomes bounds — while every violation
/// in what was done is still caught.
/// </summary>
public sealed class InterruptedRunCheckerTests
{
    private static Scenario Interrupted()
    {
        var s = Scenario.Clean();
        s.Run = new RunFacts { Interrupted = true };
        return s;
    }

    [Fact]
    public void ARequestCutOffInFlight_IsNoUnansweredRequest_AndItsOrderIsNoPhantom()
    {
        var s = Interrupted();
        s.Sale = s.Sale with { TotalStock = 11 };
        s.Stock = new StockSnapshot(11, 0, 11);
        s.Records.Add(Scenario.Record(20, "user-20", "key-20", 0, error: AttemptRecord.Interrupted, start: 500));
        s.Orders.Add(new ServerOrder("order-20", Scenario.SaleId, "user-20", 1, ServerOrder.Confirmed, "key-20"));

        var verdicts = s.Check();

        Assert.Empty(Scenario.Failed(verdicts));
        Assert.Contains("1 still in flight when the interrupt's grace ran out", Assert.Single(verdicts, v => v.Id == "all-answered").Detail,
            StringComparison.Ordinal);
        Assert.Contains("1 of them got no 2xx back", Assert.Single(verdicts, v => v.Id == "no-phantom-orders").Detail,
            StringComparison.Ordinal);
    }

    [Fact]
    public void ATimeoutBeforeTheInterrupt_IsStillAnUnansweredRequest()
    {
        var s = Interrupted();
        s.Records.Add(Scenario.Record(20, "user-20", "key-20", 0, error: "timeout", start: 500));
        s.Records.Add(Scenario.Record(21, "user-21", "key-21", 0, error: AttemptRecord.Interrupted, start: 600));

        var answered = Assert.Single(s.Check(), v => v.Id == "all-answered");

        Assert.False(answered.Passed);
        Assert.Equal(["no answer (timeout) × 1"], answered.Examples);
    }

    [Fact]
    public void ARefusedKeysOrder_IsAPhantom_EvenWhenAnotherKeyWasCutOff()
    {
        var s = Interrupted();
        s.Sale = s.Sale with { TotalStock = 12 };
        s.Stock = new StockSnapshot(12, 0, 12);
        s.Records.Add(Scenario.Record(20, "user-20", "key-20", 0, error: AttemptRecord.Interrupted, start: 500));
        s.Orders.Add(new ServerOrder("order-20", Scenario.SaleId, "user-20", 1, ServerOrder.Confirmed, "key-20"));
        // user-12 was told sold_out under key-12, and yet bought under it.
        s.Orders.Add(new ServerOrder("order-12", Scenario.SaleId, "user-12", 1, ServerOrder.Confirmed, "key-12"));

        Assert.Contains("no-phantom-orders", Scenario.Failed(s.Check()));
    }

    [Fact]
    public void ASaleWhoseOnlyRequestsWereCutOff_SoldNothing_IsAWarning()
    {
        var s = Interrupted();
        s.Records.Clear();
        s.Orders.Clear();
        s.Stock = new StockSnapshot(10, 10, 0);
        s.Records.Add(Scenario.Record(0, "user-0", "key-0", 0, error: AttemptRecord.Interrupted));

        var verdicts = s.Check();

        Assert.Empty(Scenario.Failed(verdicts));
        Assert.True(Assert.Single(verdicts, v => v.Id == "something-sold").Warned);
    }

    [Fact]
    public void SeedStoppedPartWay_FewerSuccessesAndSoldOuts_Pass_ButNotWhenTheRunWasWhole()
    {
        // 6 of the 10 attempts that would buy were made, 2 more were cut off, and no sold_out came yet.
        var s = Interrupted();
        s.Records.RemoveAll(r => r.AttemptId >= 6);
        s.Records.Add(Scenario.Record(6, "user-6", "key-6", 0, error: AttemptRecord.Interrupted, start: 60));
        s.Records.Add(Scenario.Record(7, "user-7", "key-7", 0, error: AttemptRecord.Interrupted, start: 70));
        s.Orders.RemoveAll(o => o.OrderId is not ("order-0" or "order-1" or "order-2" or "order-3" or "order-4" or "order-5"));
        s.Stock = new StockSnapshot(10, 4, 6);

        var expected = Assert.Single(s.Check(new Expectation(10, 5)), v => v.Id == "expected-outcome");
        Assert.True(expected.Passed, expected.Detail + string.Join("; ", expected.Examples));
        Assert.Equal("6 succeeded, 0 sold_out of 8 attempts made before the interrupt", expected.Detail);

        s.Run = new RunFacts();
        Assert.Contains("expected-outcome", Scenario.Failed(s.Check(new Expectation(10, 5))));
    }

    [Fact]
    public void SeedStoppedPartWay_ASoldOutWhileStockRemained_IsDetected()
    {
        // 6 bought, none cut off or unanswered, and yet one was told sold_out: 4 units were left.
        var s = Interrupted();
        s.Records.RemoveAll(r => r.AttemptId is >= 6 and < 14);
        s.Orders.RemoveAll(o => o.OrderId is not ("order-0" or "order-1" or "order-2" or "order-3" or "order-4" or "order-5"));
        s.Stock = new StockSnapshot(10, 4, 6);

        var expected = Assert.Single(s.Check(new Expectation(10, 5)), v => v.Id == "expected-outcome");

        Assert.False(expected.Passed);
        Assert.Contains(expected.Examples, e => e.StartsWith("1 attempts got sold_out while at most 6 of 10 units could have been sold",
            StringComparison.Ordinal));
    }

    [Fact]
    public void SeedStoppedPartWay_MoreSuccessesThanStock_OrAnotherAnswer_IsDetected()
    {
        var s = Interrupted();
        s.Records.Add(Scenario.Record(20, "user-20", "key-20", 201, orderId: "order-20", start: 500));
        s.Records.Add(Scenario.Record(21, "user-21", "key-21", 409, reason: "limit_reached", start: 510));
        s.Orders.Add(new ServerOrder("order-20", Scenario.SaleId, "user-20", 1, ServerOrder.Confirmed, "key-20"));

        var expected = Assert.Single(s.Check(new Expectation(10, 5)), v => v.Id == "expected-outcome");

        Assert.False(expected.Passed);
        Assert.Contains(expected.Examples, e => e.StartsWith("11 attempts succeeded, expected at most 10", StringComparison.Ordinal));
        Assert.Contains(expected.Examples, e => e.StartsWith("1 attempts got neither a 2xx nor sold_out", StringComparison.Ordinal));
    }
}
