using System.Net;
using System.Text.RegularExpressions;
using FlashSale.Tests.Admin;
using FlashSale.Tests.Infrastructure;

namespace FlashSale.Tests.Web;

/// <summary>
/// "Add units" on a sale's admin page (AdminStockForm): the units found while a sale sells are added in one step, to the
/// stock the page showed. A second post of the same form, or one made after another change of the stock, adds nothing
/// and says what the stock is now; bad input and an ended sale change nothing.
/// </summary>
public sealed partial class AddUnitsFormTests() : AdminAppTest(new TestApp())
{
    [Fact]
    public async Task ASoldOutSale_GetsTheUnitsAdded_AndBuyersCanBuyThem_AndTheSameFormPostedAgainAddsNothing()
    {
        var saleId = (await Admin.CreateSaleAsync(stock: 2)).Id();
        var buyers = await Admin.MintBuyersAsync(3);
        await Admin.WithToken(buyers[0].Token).BoughtAsync(saleId);
        await Admin.WithToken(buyers[1].Token).BoughtAsync(saleId);
        var browser = await Browser.AdminAsync(App);
        var page = await browser.Http.GetStringAsync($"/admin/sales/{saleId}");
        Assert.Equal("2", Drawn(page));

        using (var added = await AddAsync(browser, saleId, "3", Drawn(page)))
        {
            Assert.Equal(HttpStatusCode.Redirect, added.StatusCode);
            Assert.Equal($"/admin/sales/{saleId}?m=units_added", added.Headers.Location!.OriginalString);
        }

        var stock = await Admin.StockAsync(saleId);
        Assert.Equal((5, 3, "active"), (stock.Int("totalStock"), stock.Int("remainingStock"), stock["status"]!.GetValue<string>()));
        await Admin.WithToken(buyers[2].Token).BoughtAsync(saleId);
        Assert.Contains("Units added to the stock.", await browser.Http.GetStringAsync($"/admin/sales/{saleId}?m=units_added"),
            StringComparison.Ordinal);

        // The same form again (a second click, a resent post): it was drawn with a stock of 2, which the sale no longer has.
        using var again = await AddAsync(browser, saleId, "3", "2");
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Contains("The stock changed since the page was shown: it is 5 now, not 2. Nothing was added",
            await again.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(5, (await Admin.StockAsync(saleId)).Int("totalStock"));
    }

    [Theory]
    [InlineData("0", "Units to add must be a whole number from 1 to 10,000,000.")]
    [InlineData("-3", "Units to add must be a whole number from 1 to 10,000,000.")]
    [InlineData("2.5", "Units to add must be a whole number from 1 to 10,000,000.")]
    [InlineData("", "Units to add must be a whole number from 1 to 10,000,000.")]
    [InlineData("9999999", "That would make the stock 10,000,004: a sale holds at most 10,000,000 units.")]
    public async Task UnitsThatAreNoWholeNumberInRange_AreRefused_AndNothingChanges(string units, string message)
    {
        var saleId = (await Admin.CreateSaleAsync(stock: 5)).Id();
        var browser = await Browser.AdminAsync(App);

        using var refused = await AddAsync(browser, saleId, units, "5");

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains(message, await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal((5, 5), ((await Admin.StockAsync(saleId)).Int("totalStock"), (await Admin.StockAsync(saleId)).Int("remainingStock")));
    }

    [Fact]
    public async Task AnEndedSale_HasNoForm_AndAPostAnywayIsRefusedAsEnded()
    {
        var saleId = (await Admin.CreateSaleAsync(stock: 5)).Id();
        var browser = await Browser.AdminAsync(App);
        using (var ended = await Admin.PostJsonAsync($"/api/v1/admin/sales/{saleId}/end", "{}"))
        {
            await Api.EnsureAsync(ended, HttpStatusCode.OK);
        }

        Assert.DoesNotContain("add-units", await browser.Http.GetStringAsync($"/admin/sales/{saleId}"), StringComparison.Ordinal);
        using var refused = await AddAsync(browser, saleId, "3", "5");

        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Contains("sale_ended", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(5, (await Admin.StockAsync(saleId)).Int("totalStock"));
    }

    private static Task<HttpResponseMessage> AddAsync(Browser browser, string saleId, string units, string total) =>
        browser.SubmitAsync($"/admin/sales/{saleId}", $"/admin/sales/{saleId}/add-units", new() { ["units"] = units, ["total"] = total });

    /// <summary>The stock the page's form adds to.</summary>
    private static string Drawn(string page) => DrawnTotal().Match(page).Groups[1].Value;

    [GeneratedRegex("""<input type="hidden" name="total" value="(\d+)">""")]
    private static partial Regex DrawnTotal();
}
