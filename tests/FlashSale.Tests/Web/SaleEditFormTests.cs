using System.Net;
using System.Text.RegularExpressions;
using FlashSale.Tests.Admin;
using FlashSale.Tests.Infrastructure;

namespace FlashSale.Tests.Web;

/// <summary>
/// The edit form offers only what the sale can still change (SaleEditState): every field while upcoming; the limit and
/// the start only until the start; the stock and the end until the end; the product fields until the first order. Until
/// 2026-12-06 every field was open and the admin learned what was fixed from the refusal after saving; until 2026-12-07 a
/// started sale's stock and end were fixed too, and a sale with orders had a form that could never be saved.
/// </summary>
public sealed partial class SaleEditFormTests() : AdminAppTest(new TestApp())
{
    private static readonly string[] Every =
        ["currency", "description", "endsAt", "imageUrl", "perUserLimit", "price", "productName", "sku", "startsAt", "totalStock"];

    [Fact]
    public async Task AnUpcomingSale_OffersEveryField()
    {
        var saleId = (await Admin.CreateSaleAsync(5, startsAt: DateTimeOffset.UtcNow.AddHours(1), endsAt: DateTimeOffset.UtcNow.AddHours(3))).Id();

        var page = await EditPageAsync(saleId);

        Assert.Empty(ReadOnlyFields(page));
        Assert.Contains("Save changes", page, StringComparison.Ordinal);
        Assert.Contains("The limit per buyer and the start can change only before the sale starts; the stock and the end until it ends;", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AStartedSale_FixesItsLimitAndStart_AndItsProductAndStockCanStillBeSaved()
    {
        var saleId = (await Admin.CreateSaleAsync(5)).Id();
        var browser = await AdminBrowserAsync();

        var page = await browser.Http.GetStringAsync($"/admin/sales/{saleId}/edit");

        Assert.Equal(["perUserLimit", "startsAt"], ReadOnlyFields(page));
        Assert.Contains("The sale has started: its limit per buyer and start are fixed.", page, StringComparison.Ordinal);
        // The read-only fields are posted as they were drawn, so they change nothing; the new name and stock are saved.
        var form = Fields(page);
        form["productName"] = "Renamed while on sale";
        form["totalStock"] = "8";
        using var saved = await browser.SubmitAsync($"/admin/sales/{saleId}/edit", $"/admin/sales/{saleId}/edit", form);
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        var sale = await Admin.GetJsonAsync($"/api/v1/admin/sales/{saleId}");
        Assert.Equal("Renamed while on sale", sale["productName"]!.GetValue<string>());
        Assert.Equal(8, sale["totalStock"]!.GetValue<int>());
    }

    [Fact]
    public async Task ASaleWithAnOrder_OffersOnlyItsStockAndEnd_AndSavesThem()
    {
        var saleId = (await Admin.CreateSaleAsync(5)).Id();
        await Admin.WithToken((await Admin.MintBuyersAsync(1))[0].Token).BoughtAsync(saleId, "one");
        var browser = await AdminBrowserAsync();

        var page = await browser.Http.GetStringAsync($"/admin/sales/{saleId}/edit");

        Assert.Equal(Every.Except(["endsAt", "totalStock"]), ReadOnlyFields(page));
        Assert.Contains("Save changes", page, StringComparison.Ordinal);
        Assert.Contains("This sale has orders: only its stock and end can change, until it ends.", page, StringComparison.Ordinal);
        // Every field is posted; only the stock differs from the sale, so only the stock is sent (no sale_has_orders for
        // the product fields, no sale_not_upcoming for the limit and start).
        var form = Fields(page);
        form["totalStock"] = "12";
        using var saved = await browser.SubmitAsync($"/admin/sales/{saleId}/edit", $"/admin/sales/{saleId}/edit", form);
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        var stock = await Admin.StockAsync(saleId);
        Assert.Equal(12, stock["totalStock"]!.GetValue<int>());
        Assert.Equal(11, stock["remainingStock"]!.GetValue<int>());
    }

    [Fact]
    public async Task AStartedSalesLimit_PostedChangedAnyway_IsRefusedInWords_AndDrawnAgainAsTheSaleHasIt()
    {
        var saleId = (await Admin.CreateSaleAsync(5, perUserLimit: 2)).Id();
        var browser = await AdminBrowserAsync();
        var form = Fields(await browser.Http.GetStringAsync($"/admin/sales/{saleId}/edit"));

        // A read-only field is still a field another client (or a tampered page) can post changed.
        form["perUserLimit"] = "4";
        form["totalStock"] = "7";
        using var refused = await browser.SubmitAsync($"/admin/sales/{saleId}/edit", $"/admin/sales/{saleId}/edit", form);

        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        var page = await refused.Content.ReadAsStringAsync();
        Assert.Contains("The limit per buyer and the start can change only before the sale starts. Its stock and end can still change until it ends;",
            WebUtility.HtmlDecode(page), StringComparison.Ordinal);
        var shown = Fields(page);
        Assert.Equal("2", shown["perUserLimit"]); // as the sale has it: posted again, it would be refused again
        Assert.Equal("7", shown["totalStock"]); // as typed: it can change
        Assert.Equal(5, (await Admin.StockAsync(saleId))["totalStock"]!.GetValue<int>());
    }

    [Fact]
    public async Task AStockBelowTheUnitsSold_IsRefused_WithHowManyAreSold()
    {
        var saleId = (await Admin.CreateSaleAsync(5, perUserLimit: 3)).Id();
        await Admin.WithToken((await Admin.MintBuyersAsync(1))[0].Token).BoughtAsync(saleId, "three", quantity: 3);
        var browser = await AdminBrowserAsync();
        var form = Fields(await browser.Http.GetStringAsync($"/admin/sales/{saleId}/edit"));

        form["totalStock"] = "1";
        using var refused = await browser.SubmitAsync($"/admin/sales/{saleId}/edit", $"/admin/sales/{saleId}/edit", form);

        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        var page = WebUtility.HtmlDecode(await refused.Content.ReadAsStringAsync());
        Assert.Contains("3 units are sold or being sold: the stock can go down to 3, no lower. Nothing was saved.", page, StringComparison.Ordinal);
        Assert.Contains("Stock cannot be below the 3 units sold or being sold.", page, StringComparison.Ordinal);
        Assert.Matches("""<input id="f-totalStock" name="totalStock" type="number" value="1"[^>]* aria-invalid="true" aria-describedby="e-totalStock""", page);
        Assert.Equal(5, (await Admin.StockAsync(saleId))["totalStock"]!.GetValue<int>());
    }

    [Fact]
    public async Task AnEndedSaleWithAnOrder_FixesEveryField_AndOffersNoSave_NorToEndIt()
    {
        var saleId = (await Admin.CreateSaleAsync(5)).Id();
        await Admin.WithToken((await Admin.MintBuyersAsync(1))[0].Token).BoughtAsync(saleId, "one");
        await EndAsync(saleId);

        var page = await EditPageAsync(saleId);

        Assert.Equal(Every, ReadOnlyFields(page));
        Assert.DoesNotContain("Save changes", page, StringComparison.Ordinal);
        Assert.Contains("This sale has ended and has orders: nothing about it can change any more.", page, StringComparison.Ordinal);
        Assert.DoesNotContain("To stop selling", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnEndedSaleWithoutOrders_FixesItsTerms_ItsProductCanStillChange_AndAStockPostedAnywayIsRefusedAsEnded()
    {
        var saleId = (await Admin.CreateSaleAsync(5)).Id();
        await EndAsync(saleId);
        var browser = await AdminBrowserAsync();

        var page = await browser.Http.GetStringAsync($"/admin/sales/{saleId}/edit");

        Assert.Equal(["endsAt", "perUserLimit", "startsAt", "totalStock"], ReadOnlyFields(page));
        Assert.Contains("This sale has ended: its stock, limit and window are fixed.", page, StringComparison.Ordinal);
        var form = Fields(page);
        form["totalStock"] = "9";
        using (var refused = await browser.SubmitAsync($"/admin/sales/{saleId}/edit", $"/admin/sales/{saleId}/edit", form))
        {
            Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
            var body = await refused.Content.ReadAsStringAsync();
            Assert.Contains("The sale has already ended. Its stock and end can no longer change.", body, StringComparison.Ordinal);
            Assert.DoesNotContain("nothing to end", body, StringComparison.Ordinal);
            Assert.Equal("5", Fields(body)["totalStock"]);
        }

        form["totalStock"] = "5";
        form["productName"] = "Renamed after the end";
        using var saved = await browser.SubmitAsync($"/admin/sales/{saleId}/edit", $"/admin/sales/{saleId}/edit", form);
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        Assert.Equal("Renamed after the end", (await Admin.GetJsonAsync($"/api/v1/admin/sales/{saleId}"))["productName"]!.GetValue<string>());
    }

    [Fact]
    public async Task TheSku_CanBeChangedUntilTheFirstOrder_AndATakenOneIsSaidUnderItsField_AsTyped()
    {
        var other = await Admin.CreateSaleAsync(5);
        var saleId = (await Admin.CreateSaleAsync(5)).Id();
        var browser = await AdminBrowserAsync();
        var form = Fields(await browser.Http.GetStringAsync($"/admin/sales/{saleId}/edit"));

        // Until 2026-12-07 the edit form had no SKU field: a typo in it could be mended only through the API.
        form["sku"] = other["sku"]!.GetValue<string>().ToLowerInvariant();
        using var refused = await browser.SubmitAsync($"/admin/sales/{saleId}/edit", $"/admin/sales/{saleId}/edit", form);
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        var page = await refused.Content.ReadAsStringAsync();
        Assert.Contains("SKU is taken.", page, StringComparison.Ordinal);
        Assert.Equal(form["sku"], Fields(page)["sku"]);

        form["sku"] = "  RENAMED-" + saleId[..8] + " ";
        using var saved = await browser.SubmitAsync($"/admin/sales/{saleId}/edit", $"/admin/sales/{saleId}/edit", form);
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        Assert.Equal("RENAMED-" + saleId[..8], (await Admin.GetJsonAsync($"/api/v1/admin/sales/{saleId}"))["sku"]!.GetValue<string>());
    }

    private async Task EndAsync(string saleId)
    {
        using var ended = await Admin.SendAsync(HttpMethod.Post, $"/api/v1/admin/sales/{saleId}/end");
        await Api.EnsureAsync(ended, HttpStatusCode.OK);
    }

    private async Task<string> EditPageAsync(string saleId) =>
        await (await AdminBrowserAsync()).Http.GetStringAsync($"/admin/sales/{saleId}/edit");

    private Task<Browser> AdminBrowserAsync() => Browser.AdminAsync(App);

    private static List<string> ReadOnlyFields(string page) =>
        ReadOnlyField().Matches(page).Select(m => m.Groups[1].Value).Order(StringComparer.Ordinal).ToList();

    private static Dictionary<string, string> Fields(string page)
    {
        var form = InputValue().Matches(page).ToDictionary(m => m.Groups[1].Value, m => WebUtility.HtmlDecode(m.Groups[2].Value));
        form["description"] = WebUtility.HtmlDecode(Description().Match(page).Groups[1].Value);
        return form;
    }

    [GeneratedRegex("""<(?:input|textarea) id="f-[a-zA-Z]+" name="([a-zA-Z]+)"[^>]* readonly""")]
    private static partial Regex ReadOnlyField();

    [GeneratedRegex("""<input id="f-[a-zA-Z]+" name="([a-zA-Z]+)" type="[a-z-]+" value="([^"]*)""")]
    private static partial Regex InputValue();

    [GeneratedRegex("""<textarea id="f-description"[^>]*>([^<]*)</textarea>""")]
    private static partial Regex Description();
}
