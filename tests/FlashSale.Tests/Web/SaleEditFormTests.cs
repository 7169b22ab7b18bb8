using System.Net;
using System.Text.RegularExpressions;
using FlashSale.Tests.Admin;
using FlashSale.Tests.Infrastructure;

namespace FlashSale.Tests.Web;

/// <summary>
/// The edit form offers only what the sale can still change (SaleEditState): every field while upcoming and unsold, the
/// product fields once started, nothing once sold. Until 2026-12-06 every field was open and the admin learned what was
/// fixed from the refusal after saving; a sale with orders had a form that could never be saved.
/// </summary>
public sealed partial class SaleEditFormTests() : AdminAppTest(new TestApp())
{
    private static readonly string[] Trading = ["endsAt", "perUserLimit", "startsAt", "totalStock"];

    [Fact]
    public async Task AnUpcomingSale_OffersEveryField()
    {
        var saleId = (await Admin.CreateSaleAsync(5, startsAt: DateTimeOffset.UtcNow.AddHours(1), endsAt: DateTimeOffset.UtcNow.AddHours(3))).Id();

        var page = await EditPageAsync(saleId);

        Assert.Empty(ReadOnlyFields(page));
        Assert.Contains("Save changes", page, StringComparison.Ordinal);
        Assert.Contains("can change only before the sale starts", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AStartedSale_FixesStockLimitAndWindow_AndItsProductCanStillBeSaved()
    {
        var saleId = (await Admin.CreateSaleAsync(5)).Id();
        var browser = await AdminBrowserAsync();

        var page = await browser.Http.GetStringAsync($"/admin/sales/{saleId}/edit");

        Assert.Equal(Trading, ReadOnlyFields(page));
        Assert.Contains("The sale has started: its stock, limit and window are fixed.", page, StringComparison.Ordinal);
        // The read-only fields are posted as they were drawn, so they change nothing; the new name is saved.
        var form = Fields(page);
        form["productName"] = "Renamed while on sale";
        using var saved = await browser.SubmitAsync($"/admin/sales/{saleId}/edit", $"/admin/sales/{saleId}/edit", form);
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        Assert.Equal("Renamed while on sale", (await Admin.GetJsonAsync($"/api/v1/admin/sales/{saleId}"))["productName"]!.GetValue<string>());
    }

    [Fact]
    public async Task ASaleWithAnOrder_FixesEveryField_AndOffersNoSave()
    {
        var saleId = (await Admin.CreateSaleAsync(5)).Id();
        await Admin.WithToken((await Admin.MintBuyersAsync(1))[0].Token).BoughtAsync(saleId, "one");

        var page = await EditPageAsync(saleId);

        Assert.Equal(["currency", "description", "endsAt", "imageUrl", "perUserLimit", "price", "productName", "sku", "startsAt", "totalStock"],
            ReadOnlyFields(page));
        Assert.DoesNotContain("Save changes", page, StringComparison.Ordinal);
        Assert.Contains("This sale has orders: nothing about it can change any more.", page, StringComparison.Ordinal);
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

    private async Task<string> EditPageAsync(string saleId) =>
        await (await AdminBrowserAsync()).Http.GetStringAsync($"/admin/sales/{saleId}/edit");

    private async Task<Browser> AdminBrowserAsync()
    {
        var browser = Browser.Open(App);
        await browser.SignInAsync("admin", TestApp.AdminPassword);
        return browser;
    }

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
