using System.Net;
using System.Text.Json.Nodes;
using FlashSale.Tests.Admin;
using FlashSale.Tests.Infrastructure;

namespace FlashSale.Tests.Conformance;

public sealed class StartedSaleChangeOnEmbedded() : StartedSaleChangeConformance(StorageKind.Embedded, ManualClock.OnAWholeMillisecond());

public sealed class StartedSaleChangeOnRedis() : StartedSaleChangeConformance(StorageKind.Redis, ManualClock.OnAWholeMillisecond());

/// <summary>
/// A started sale's stock and end change until it ends (until 2026-12-07 every trading field was fixed at the start): a
/// top-up sells exactly the new units, a cut goes no lower than what is sold, a moved end is where purchases stop; the
/// limit and the start stay fixed, and an ended sale changes no more. The ledger and the record agree after each (G4).
/// </summary>
public abstract class StartedSaleChangeConformance(StorageKind kind, ManualClock clock) : ConformanceTest(kind, clock: clock)
{
    private DateTimeOffset Now => clock.GetUtcNow();

    [Fact]
    public async Task ASoldOutSaleToppedUp_SellsExactlyTheNewUnits_AndTheBooksAgree()
    {
        var saleId = (await Admin.CreateSaleAsync(stock: 2)).Id();
        var buyers = await Admin.MintBuyersAsync(6);
        await Admin.WithToken(buyers[0].Token).BoughtAsync(saleId);
        await Admin.WithToken(buyers[1].Token).BoughtAsync(saleId);
        Assert.Equal("sold_out", (await Admin.StockAsync(saleId))["status"]!.GetValue<string>());

        var toppedUp = await PatchAsync(saleId, """{"totalStock":5}""", HttpStatusCode.OK);

        Assert.Equal((5, 3, 2, "active"), (toppedUp.Int("totalStock"), toppedUp.Int("remainingStock"), toppedUp.Int("sold"),
            toppedUp["status"]!.GetValue<string>()));
        var answers = new List<HttpStatusCode>();
        foreach (var buyer in buyers.Skip(2))
        {
            using var bought = await Admin.WithToken(buyer.Token).PurchaseAsync(saleId);
            answers.Add(bought.StatusCode);
        }

        Assert.Equal([HttpStatusCode.Created, HttpStatusCode.Created, HttpStatusCode.Created, HttpStatusCode.Conflict], answers);
        await AssertBooksAsync(saleId, total: 5, sold: 5);
    }

    [Fact]
    public async Task AStockCut_GoesDownToWhatIsSold_AndNoLower()
    {
        var saleId = (await Admin.CreateSaleAsync(stock: 10, perUserLimit: 3)).Id();
        var buyer = (await Admin.MintBuyersAsync(1))[0];
        await Admin.WithToken(buyer.Token).BoughtAsync(saleId, quantity: 3);

        var refused = await Api.ExpectProblemAsync(Admin.PatchJsonAsync($"/api/v1/admin/sales/{saleId}", """{"totalStock":2}"""),
            HttpStatusCode.Conflict, "stock_below_sold");
        Assert.Equal(3, refused.Int("sold"));
        Assert.Equal("3 units are sold or being sold: the stock can go down to that, no lower.", refused["detail"]!.GetValue<string>());
        await AssertBooksAsync(saleId, total: 10, sold: 3);

        var cut = await PatchAsync(saleId, """{"totalStock":4}""", HttpStatusCode.OK);
        Assert.Equal((4, 1), (cut.Int("totalStock"), cut.Int("remainingStock")));
        var other = (await Admin.MintBuyersAsync(1))[0];
        using (var tooMany = await Admin.WithToken(other.Token).PurchaseAsync(saleId, quantity: 2))
        {
            Assert.Equal("sold_out", await Api.ReasonAsync(tooMany));
        }

        await Admin.WithToken(other.Token).BoughtAsync(saleId);
        await AssertBooksAsync(saleId, total: 4, sold: 4);

        // Down to exactly what is sold: sold out at once.
        var soldOut = await PatchAsync(saleId, """{"totalStock":4}""", HttpStatusCode.OK);
        Assert.Equal("sold_out", soldOut["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task AnEndMovedLater_KeepsTheSaleSelling_AndOneMovedEarlier_StopsItThere()
    {
        var saleId = (await Admin.CreateSaleAsync(stock: 10, startsAt: Now.AddMinutes(-1), endsAt: Now.AddMinutes(1))).Id();
        var buyers = await Admin.MintBuyersAsync(3);
        await Admin.WithToken(buyers[0].Token).BoughtAsync(saleId);

        var later = Now.AddHours(1);
        var moved = await PatchAsync(saleId, $$"""{"endsAt":"{{later:O}}"}""", HttpStatusCode.OK);
        Assert.Equal(later, moved["endsAt"]!.GetValue<DateTimeOffset>());
        clock.Advance(TimeSpan.FromMinutes(30)); // past the old end
        await Admin.WithToken(buyers[1].Token).BoughtAsync(saleId);

        var earlier = Now.AddMinutes(5);
        await PatchAsync(saleId, $$"""{"endsAt":"{{earlier:O}}"}""", HttpStatusCode.OK);
        clock.Set(earlier);
        var ended = await Api.ExpectProblemAsync(Admin.WithToken(buyers[2].Token).PurchaseAsync(saleId), HttpStatusCode.Conflict, "sale_ended");
        Assert.Equal(earlier, ended["endsAt"]!.GetValue<DateTimeOffset>());
        Assert.Equal(earlier, (await Admin.GetJsonAsync($"/api/v1/admin/sales/{saleId}"))["endsAt"]!.GetValue<DateTimeOffset>());
        await AssertBooksAsync(saleId, total: 10, sold: 2);
    }

    [Fact]
    public async Task AnEndInThePast_Is400_AndChangesNothing()
    {
        var endsAt = Now.AddHours(1);
        var saleId = (await Admin.CreateSaleAsync(stock: 10, startsAt: Now.AddMinutes(-10), endsAt: endsAt)).Id();

        var problem = await Api.ExpectProblemAsync(
            Admin.PatchJsonAsync($"/api/v1/admin/sales/{saleId}", $$"""{"endsAt":"{{Now.AddSeconds(-1):O}}","totalStock":20}"""),
            HttpStatusCode.BadRequest, "validation_failed");

        Assert.Contains("To stop it now, end it.", problem["errors"]!["endsAt"]![0]!.GetValue<string>(), StringComparison.Ordinal);
        var sale = await Admin.GetJsonAsync($"/api/v1/admin/sales/{saleId}");
        Assert.Equal((10, endsAt), (sale.Int("totalStock"), sale["endsAt"]!.GetValue<DateTimeOffset>()));
    }

    [Fact]
    public async Task TheLimitAndTheStart_StayFixedOnceStarted_AndAnEndedSaleChangesNoMore()
    {
        var endsAt = Now.AddMinutes(10);
        var saleId = (await Admin.CreateSaleAsync(stock: 10, startsAt: Now.AddMinutes(-10), endsAt: endsAt)).Id();

        foreach (var body in new[] { """{"perUserLimit":3}""", $$"""{"startsAt":"{{Now.AddMinutes(-5):O}}"}""", """{"perUserLimit":3,"totalStock":20}""" })
        {
            await Api.ExpectProblemAsync(Admin.PatchJsonAsync($"/api/v1/admin/sales/{saleId}", body), HttpStatusCode.Conflict, "sale_not_upcoming");
        }

        clock.Set(endsAt);
        foreach (var body in new[] { """{"totalStock":20}""", $$"""{"endsAt":"{{Now.AddHours(1):O}}"}""" })
        {
            var ended = await Api.ExpectProblemAsync(Admin.PatchJsonAsync($"/api/v1/admin/sales/{saleId}", body), HttpStatusCode.Conflict, "sale_ended");
            Assert.Equal(endsAt, ended["endsAt"]!.GetValue<DateTimeOffset>());
        }

        var sale = await Admin.GetJsonAsync($"/api/v1/admin/sales/{saleId}");
        Assert.Equal((10, 1, endsAt, "ended"), (sale.Int("totalStock"), sale.Int("perUserLimit"), sale["endsAt"]!.GetValue<DateTimeOffset>(),
            sale["status"]!.GetValue<string>()));
    }

    /// <summary>
    /// Product fields with the stock and end, on a started sale: before its first order both are taken (the product
    /// first, then the stock and end); after it, the product is fixed and nothing changes.
    /// </summary>
    [Fact]
    public async Task ProductAndStockTogether_OnAStartedSale_AreTakenBeforeTheFirstOrder_AndNeitherAfter()
    {
        var endsAt = Now.AddHours(1);
        var saleId = (await Admin.CreateSaleAsync(stock: 5, startsAt: Now.AddMinutes(-1), endsAt: endsAt)).Id();
        var later = Now.AddHours(2);

        var both = await PatchAsync(saleId, $$"""{"productName":"Renamed","totalStock":8,"endsAt":"{{later:O}}"}""", HttpStatusCode.OK);
        Assert.Equal(("Renamed", 8, later), (both["productName"]!.GetValue<string>(), both.Int("totalStock"), both["endsAt"]!.GetValue<DateTimeOffset>()));
        await AssertBooksAsync(saleId, total: 8, sold: 0);

        var buyer = (await Admin.MintBuyersAsync(1))[0];
        await Admin.WithToken(buyer.Token).BoughtAsync(saleId);
        await Api.ExpectProblemAsync(Admin.PatchJsonAsync($"/api/v1/admin/sales/{saleId}", """{"productName":"Again","totalStock":9}"""),
            HttpStatusCode.Conflict, "sale_has_orders");
        var sale = await Admin.GetJsonAsync($"/api/v1/admin/sales/{saleId}");
        Assert.Equal(("Renamed", 8), (sale["productName"]!.GetValue<string>(), sale.Int("totalStock")));
        await AssertBooksAsync(saleId, total: 8, sold: 1);
    }

    /// <summary>
    /// The stats' sell-out after a top-up is still the first: the stock was gone then, and "sold out in" says how long the
    /// first stock lasted. A cut to what is sold has no order that took a last unit: the last purchase stands for it.
    /// </summary>
    [Fact]
    public async Task AfterATopUp_TheStatsSellOutIsTheFirst()
    {
        var startsAt = Now.AddMinutes(-1);
        var saleId = (await Admin.CreateSaleAsync(stock: 1, startsAt: startsAt, endsAt: startsAt.AddHours(1))).Id();
        var buyers = await Admin.MintBuyersAsync(2);
        await Admin.WithToken(buyers[0].Token).BoughtAsync(saleId);
        var firstSellOut = Now;

        await PatchAsync(saleId, """{"totalStock":2}""", HttpStatusCode.OK);
        Assert.Null((await Admin.StatsLineAsync(saleId))["soldOutAt"]);
        clock.Advance(TimeSpan.FromSeconds(30));
        await Admin.WithToken(buyers[1].Token).BoughtAsync(saleId);

        Assert.Equal(firstSellOut, (await Admin.StatsLineAsync(saleId))["soldOutAt"]!.GetValue<DateTimeOffset>());
    }

    private async Task<JsonObject> PatchAsync(string saleId, string body, HttpStatusCode expected)
    {
        using var response = await Admin.PatchJsonAsync($"/api/v1/admin/sales/{saleId}", body);
        await Api.EnsureAsync(response, expected);
        return await response.ReadJsonAsync();
    }

    /// <summary>The sale's numbers from every side: the buyers' stock, the admins' sale, the record's orders and the drift check.</summary>
    private async Task AssertBooksAsync(string saleId, int total, int sold)
    {
        var stock = await Admin.StockAsync(saleId);
        Assert.Equal((total, total - sold, sold), (stock.Int("totalStock"), stock.Int("remainingStock"), stock.Int("sold")));
        Assert.Equal(sold, (await Admin.AllOrdersAsync(saleId)).Sum(o => o.Int("quantity")));
        var check = await Admin.ReconcileLineAsync(saleId);
        Assert.Equal((total, sold, sold, 0), (check.Int("totalStock"), check.Int("recordSold"), check.Int("ledgerSold"), check.Int("drift")));
    }
}
