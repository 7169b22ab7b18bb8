using System.Net;
using FlashSale.Tests.Admin;
using FlashSale.Tests.Infrastructure;

namespace FlashSale.Tests.Web;

/// <summary>
/// The ledger check on the dashboard (<c>/admin/ledger</c>): agreement said plainly; drift listed per sale with both
/// counts, the dashboard warning about it, and the repair behind a button, after which the two agree again.
/// </summary>
public sealed class AdminLedgerPageTests() : AdminAppTest(new TestApp())
{
    [Fact]
    public async Task WithoutDrift_ThePageSaysEverySaleAgrees_AndOffersNoRepair()
    {
        await Admin.SaleWithOrdersAsync(stock: 5, buyers: 2);
        var browser = await AdminBrowserAsync();

        var page = await browser.Http.GetStringAsync("/admin/ledger");

        Assert.Contains("Every sale’s ledger agrees with the order record", page, StringComparison.Ordinal);
        Assert.DoesNotContain("/admin/ledger/repair", page, StringComparison.Ordinal);
        Assert.DoesNotContain("disagree", await browser.Http.GetStringAsync("/admin"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Drift_IsListed_WarnedOfOnTheDashboard_AndRepairedByTheButton()
    {
        var (sale, _, orders) = await Admin.SaleWithOrdersAsync(stock: 5, buyers: 3);
        var sku = (await Admin.GetJsonAsync($"/api/v1/admin/sales/{sale}"))["sku"]!.GetValue<string>();
        App.DeleteOrderByHand(orders[0]);
        var browser = await AdminBrowserAsync();

        var page = await browser.Http.GetStringAsync("/admin/ledger");
        Assert.Contains("<title>Error: Ledger check", page, StringComparison.Ordinal);
        Assert.Contains("1 sale’s ledger disagrees with the order record.", page, StringComparison.Ordinal);
        Assert.Contains($"""<a href="/admin/sales/{sale}">Test product</a> <span class="mono small muted">{sku}</span>""", page, StringComparison.Ordinal);
        Assert.Contains("""<td data-label="Ledger sold" class="num">3</td>""", page, StringComparison.Ordinal);
        Assert.Contains("""<td data-label="Record sold" class="num">2</td>""", page, StringComparison.Ordinal);
        // The encoder writes '+' as &#x2B;, which a browser shows as '+'.
        Assert.Contains("""<td data-label="Difference" class="num">+1</td>""", WebUtility.HtmlDecode(page), StringComparison.Ordinal);
        // Looking changed nothing: the ledger still counts the vanished order's unit.
        Assert.Equal(2, (await Admin.StockAsync(sale)).Int("remainingStock"));
        Assert.Contains("The ledger and the order record disagree on 1 sale", await browser.Http.GetStringAsync("/admin"), StringComparison.Ordinal);

        using var repaired = await browser.SubmitAsync("/admin/ledger", "/admin/ledger/repair", []);
        Assert.Equal(HttpStatusCode.Redirect, repaired.StatusCode);
        Assert.Equal("/admin/ledger?m=repaired", repaired.Headers.Location?.OriginalString);

        var after = await browser.Http.GetStringAsync("/admin/ledger?m=repaired");
        Assert.Contains("The ledger was rebuilt from the order record", after, StringComparison.Ordinal);
        Assert.Contains("Every sale’s ledger agrees with the order record", after, StringComparison.Ordinal);
        Assert.Equal(3, (await Admin.StockAsync(sale)).Int("remainingStock"));
        Assert.DoesNotContain("disagree", await browser.Http.GetStringAsync("/admin"), StringComparison.Ordinal);
    }

    private async Task<Browser> AdminBrowserAsync()
    {
        var browser = Browser.Open(App);
        await browser.SignInAsync("admin", TestApp.AdminPassword);
        return browser;
    }
}
