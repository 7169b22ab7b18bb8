using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using FlashSale.Tests.Admin;
using FlashSale.Tests.Infrastructure;

namespace FlashSale.Tests.Web;

/// <summary>
/// The admin's sale page: the sale's terms (until 2026-12-07 only its figures: price, window, limit, stock, image and
/// description meant opening the edit form), the time until an upcoming sale opens, and its orders a page at a time
/// (until then the 50 newest and no more).
/// </summary>
public sealed partial class AdminSaleTermsAndOrdersTests() : AdminAppTest(new TestApp())
{
    [Fact]
    public async Task TheTerms_PriceSkuWindowLimitStockImageDescription_AndWhenItOpens()
    {
        var startsAt = new DateTimeOffset(2031, 7, 15, 12, 0, 0, TimeSpan.Zero);
        using var response = await Admin.PostAsJsonAsync("/api/v1/admin/sales", new
        {
            sku = "TERMS-1",
            productName = "Terms product",
            description = "Two lines\nof description",
            price = 249.5m,
            currency = "EUR",
            imageUrl = "/images/ipad-air.svg",
            totalStock = 1200,
            perUserLimit = 3,
            startsAt,
            endsAt = startsAt.AddHours(2),
        });
        await Api.EnsureAsync(response, HttpStatusCode.Created);
        var saleId = (await response.Content.ReadFromJsonAsync<JsonObject>())!.Id();

        var page = await PageAsync($"/admin/sales/{saleId}");
        var terms = Part(page, "terms");

        Assert.Contains("""<dd data-term="price">249.50 EUR</dd>""", terms, StringComparison.Ordinal);
        Assert.Contains("""<dd class="mono" data-term="sku">TERMS-1</dd>""", terms, StringComparison.Ordinal);
        Assert.Contains(">15 Jul 2031, 12:00 UTC</time>", terms, StringComparison.Ordinal);
        Assert.Contains(">15 Jul 2031, 14:00 UTC</time>", terms, StringComparison.Ordinal);
        Assert.Contains("""<dd data-term="limit">3</dd>""", terms, StringComparison.Ordinal);
        Assert.Contains("""<dd data-term="stock">1,200 units</dd>""", terms, StringComparison.Ordinal);
        Assert.Contains("<img class=\"terms-img\" src=\"/images/ipad-air.svg\"", terms, StringComparison.Ordinal);
        Assert.Contains("<span class=\"terms-description\">Two lines&#xA;of description</span>", terms, StringComparison.Ordinal);
        // Written in UTC, and marked for the script that shows it in the admin's zone (until 2026-12-07 admin pages stayed in UTC).
        Assert.Contains("""<dd data-term="opens"><time data-local="minutes" datetime="2031-07-15T12:00:00.000Z">""", terms, StringComparison.Ordinal);
        Assert.Matches("""<p class="countdown" data-role="countdown">Starts in \d+ d \d+ h</p>""", page);
        // The terms are a record part: the live read draws them again (an edit elsewhere shows at the next read).
        Assert.Equal(terms, Part(await PageAsync($"/admin/sales/{saleId}/live"), "terms"));
    }

    [Fact]
    public async Task TheOrders_APageAtATime_OlderAndBackToTheNewest_TheLiveReadOnTheSamePage()
    {
        var saleId = (await Admin.CreateSaleAsync(stock: 100, perUserLimit: 100)).Id();
        // Two buyers: one may make 30 purchases a minute ('purchase-per-user').
        var buyers = (await Admin.MintBuyersAsync(2)).Select(b => Admin.WithToken(b.Token)).ToList();
        var orders = new List<string>();
        var total = FlashSale.Web.DashboardData.RecentOrders + 5;
        for (var i = 0; i < total; i++)
        {
            orders.Add(await buyers[i * 2 / total].BoughtAsync(saleId));
        }

        orders.Reverse(); // newest first, as the page lists them
        var first = await PageAsync($"/admin/sales/{saleId}");
        Assert.Equal(orders.Take(FlashSale.Web.DashboardData.RecentOrders), Orders(first));
        var older = Regex.Match(first, """<a href="(/admin/sales/[0-9a-f-]{36}\?cursor=\d+)#orders-h" rel="next">Older orders →</a>""");
        Assert.True(older.Success, "the first page links to the older orders");
        Assert.DoesNotContain("Newest orders", first, StringComparison.Ordinal);

        var second = await PageAsync(older.Groups[1].Value);
        Assert.Equal(orders.Skip(FlashSale.Web.DashboardData.RecentOrders), Orders(second));
        Assert.Contains($"""<a href="/admin/sales/{saleId}#orders-h">← Newest orders</a>""", second, StringComparison.Ordinal);
        Assert.DoesNotContain("Older orders →", second, StringComparison.Ordinal);
        Assert.Contains("<h2 id=\"orders-h\">Older orders</h2>", second, StringComparison.Ordinal);

        // The page's script reads the same page of orders again, not the newest.
        var cursor = older.Groups[1].Value[(older.Groups[1].Value.IndexOf('=', StringComparison.Ordinal) + 1)..];
        Assert.Contains($"data-refresh=\"/admin/sales/{saleId}/live?cursor={cursor}\"", second, StringComparison.Ordinal);
        Assert.Equal(Orders(second), Orders(await PageAsync($"/admin/sales/{saleId}/live?cursor={cursor}")));
    }

    [Theory]
    [InlineData("?cursor=x")]
    [InlineData("/live?cursor=-1")]
    [InlineData("?cursor=99999999999999999999999")]
    public async Task AnOrdersCursorThePageDidNotGive_Is400_InTheAdminApisWords(string suffix)
    {
        var saleId = (await Admin.CreateSaleAsync(stock: 5)).Id();
        var cursor = suffix[(suffix.IndexOf('=', StringComparison.Ordinal) + 1)..];

        using var response = await Admin.GetAsync($"/admin/sales/{saleId}{suffix}");
        using var api = await Admin.GetAsync($"/api/v1/admin/sales/{saleId}/orders?cursor={cursor}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, api.StatusCode);
        // The same cursor, the same refusal: until 2026-12-07 the page said "is not a link this page gave.".
        Assert.Equal(await CursorErrorAsync(api), await CursorErrorAsync(response));
    }

    [Fact]
    public async Task AnOrdersCursorThePageDidNotGive_ReadsOnThePage_AsTheAdminApiSaysIt()
    {
        var saleId = (await Admin.CreateSaleAsync(stock: 5)).Id();
        using var api = await Admin.GetAsync($"/api/v1/admin/sales/{saleId}/orders?cursor=x");
        var browser = Browser.Open(App);
        await browser.SignInAsync("admin", TestApp.AdminPassword);

        using var request = new HttpRequestMessage(HttpMethod.Get, $"/admin/sales/{saleId}?cursor=x");
        request.Headers.Accept.ParseAdd(Browser.HtmlAccept);
        using var response = await browser.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains($"<code>cursor</code> {WebUtility.HtmlEncode(await CursorErrorAsync(api))}", await response.Content.ReadAsStringAsync(),
            StringComparison.Ordinal);
    }

    private static async Task<string> CursorErrorAsync(HttpResponseMessage problem) =>
        (await problem.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!["cursor"]![0]!.GetValue<string>();

    private async Task<string> PageAsync(string path)
    {
        using var response = await Admin.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    private static string Part(string page, string name) =>
        Regex.Match(page, $"""<section [^>]*data-part="{name}">.*?</section>""", RegexOptions.Singleline).Value;

    private static List<string> Orders(string page) => CancelLink().Matches(page).Select(m => m.Groups[1].Value).ToList();

    [GeneratedRegex("""<a href="/admin/orders/([0-9a-f-]{36})/cancel">""")]
    private static partial Regex CancelLink();
}
