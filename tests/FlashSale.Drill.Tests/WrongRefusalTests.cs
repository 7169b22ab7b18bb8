using FlashSale.Drill.Checking;

namespace FlashSale.Drill.Tests;

/// <summary>
/// no-undersell and no-wrongful-limit: a <c>409 sold_out</c> or <c>limit_reached</c> the stock or the buyer's holding
/// could have served is a wrong "no" — judged against the sale's final counters and orders on a sale the drill created
/// (never cancelled from, so its stock only falls and holdings only grow), and against the answer's own numbers anywhere.
/// </summary>
public sealed class WrongRefusalTests
{
    /// <summary>The clean run on a sale of 12: two units are left at the end, yet user-10…14 were told sold_out.</summary>
    private static Scenario TwoUnitsLeft()
    {
        var s = Scenario.Clean();
        s.Sale = s.Sale with { TotalStock = 12 };
        s.Stock = new StockSnapshot(12, 2, 10);
        return s;
    }

    [Fact]
    public void ASoldOutWhileTheFinalStockCouldServeIt_OnACreatedSale_IsDetected()
    {
        var s = TwoUnitsLeft();

        var undersell = Assert.Single(s.Check(), v => v.Id == "no-undersell");

        Assert.Equal(["no-undersell"], Scenario.Failed(s.Check()));
        Assert.Contains("user-10", undersell.Examples[0], StringComparison.Ordinal);
        Assert.Contains("2 left", undersell.Examples[0], StringComparison.Ordinal);
    }

    [Fact]
    public void ASoldOutForMoreThanWasLeft_Passes()
    {
        var s = TwoUnitsLeft();
        s.Sale = s.Sale with { PerUserLimit = 3 };
        for (var i = 10; i < 15; i++)
        {
            s.Records[i] = s.Records[i] with { Quantity = 3 };
        }

        Assert.Empty(Scenario.Failed(s.Check()));
    }

    [Fact]
    public void ASoldOutWhileAFailedPurchaseMayHaveHeldTheUnits_Passes_OneSentAfterItDoesNotExcuseIt()
    {
        // A purchase that reserved units and could not record them gives them back (503, nothing bought): the units left
        // at the end may have been held when the sold_out was decided.
        var s = TwoUnitsLeft();
        s.Records.Add(Scenario.Record(20, "user-20", "key-20", 503, reason: "unavailable", start: 90, quantity: 2,
            detail: Scenario.RecordDown, outcomeUnknown: false));

        Assert.Empty(Scenario.Failed(s.Check()));

        s.Records[^1] = s.Records[^1] with { StartMicros = 200, EndMicros = 205 };
        Assert.Equal(["no-undersell"], Scenario.Failed(s.Check()));
    }

    [Fact]
    public void ASoldOutWhoseOwnRemainingCouldServeIt_IsDetected_OnAnySale()
    {
        var s = Scenario.Clean();
        s.Sale = s.Sale with { CreatedByDrill = false };
        s.Records[10] = s.Records[10] with { Remaining = 1 };

        var undersell = Assert.Single(s.Check(), v => v.Id == "no-undersell");

        Assert.Equal(["no-undersell"], Scenario.Failed(s.Check()));
        Assert.Contains("remaining 1", Assert.Single(undersell.Examples), StringComparison.Ordinal);

        s.Records[10] = s.Records[10] with { Remaining = 0 };
        Assert.Empty(Scenario.Failed(s.Check()));
    }

    [Fact]
    public void ASoldOutWhileStockRemained_OnAnExistingSale_IsAWarning()
    {
        // Another shopper's order may have been cancelled after the sold_out, its units back in stock.
        var s = TwoUnitsLeft();
        s.Sale = s.Sale with { CreatedByDrill = false };

        var verdicts = s.Check();

        Assert.Empty(Scenario.Failed(verdicts));
        Assert.True(Assert.Single(verdicts, v => v.Id == "no-undersell").Warned);
    }

    /// <summary>The clean run with limit 2: user-3 holds one unit and is refused a second as over the limit.</summary>
    private static Scenario RoomForOneMore()
    {
        var s = Scenario.Clean();
        s.Sale = s.Sale with { PerUserLimit = 2 };
        s.Records.Add(Scenario.Record(20, "user-3", "key-20", 409, reason: "limit_reached", start: 500));
        return s;
    }

    [Fact]
    public void ALimitReachedForABuyerWithRoomAtTheEnd_OnACreatedSale_IsDetected()
    {
        var s = RoomForOneMore();

        var limit = Assert.Single(s.Check(), v => v.Id == "no-wrongful-limit");

        Assert.Equal(["no-wrongful-limit"], Scenario.Failed(s.Check()));
        Assert.Contains("user-3", Assert.Single(limit.Examples), StringComparison.Ordinal);
    }

    [Fact]
    public void ALimitReachedWhileTheBuyersFailedPurchaseMayHaveHeldUnits_Passes()
    {
        var s = RoomForOneMore();
        s.Records.Add(Scenario.Record(19, "user-3", "key-19", 503, reason: "unavailable", start: 490,
            detail: Scenario.LedgerDown, outcomeUnknown: true));

        Assert.Empty(Scenario.Failed(s.Check()));
    }

    [Fact]
    public void ALimitReachedWhoseOwnNumbersLeaveRoom_IsDetected_OnAnySale()
    {
        // user-3 holds 1 of 1 at the end: the refusal is right, but the answer says it held none.
        var s = Scenario.Clean();
        s.Sale = s.Sale with { CreatedByDrill = false };
        s.Records.Add(Scenario.Record(20, "user-3", "key-20", 409, reason: "limit_reached", start: 500) with { Held = 0, Limit = 1 });

        var limit = Assert.Single(s.Check(), v => v.Id == "no-wrongful-limit");

        Assert.Equal(["no-wrongful-limit"], Scenario.Failed(s.Check()));
        Assert.Contains("held 0", Assert.Single(limit.Examples), StringComparison.Ordinal);

        s.Records[^1] = s.Records[^1] with { Held = 1 };
        Assert.Empty(Scenario.Failed(s.Check()));
    }

    [Fact]
    public void ALimitReachedForABuyerWithRoom_OnAnExistingSale_IsAWarning()
    {
        var s = RoomForOneMore();
        s.Sale = s.Sale with { CreatedByDrill = false };

        var verdicts = s.Check();

        Assert.Empty(Scenario.Failed(verdicts));
        Assert.True(Assert.Single(verdicts, v => v.Id == "no-wrongful-limit").Warned);
    }
}
