using System.Net;
using System.Text.RegularExpressions;
using FlashSale.Tests.Admin;
using FlashSale.Tests.Infrastructure;

namespace FlashSale.Tests.Web;

/// <summary>
/// <c>GET /admin/sales/{id}/live</c>: the admin sale page's record parts drawn again from a fresh read (what its script
/// takes in, js/admin-sale-record.js: followRecord), the same parts as the page draws.
/// </summary>
public sealed class AdminSaleLiveTests() : AdminAppTest(new TestApp())
{
    private static readonly string[] Parts = ["revenue", "orders", "sold-out-in", "recorded", "panels", "latest-orders"];

    [Fact]
    public async Task TheLiveParts_AreThePagesRecordParts_FromAFreshRead()
    {
        var (saleId, _, _) = await Admin.SaleWithOrdersAsync(stock: 5, buyers: 1);
        var page = await PageAsync($"/admin/sales/{saleId}");
        Assert.Contains($"data-refresh=\"/admin/sales/{saleId}/live\"", page, StringComparison.Ordinal);

        var buyer = (await Admin.MintBuyersAsync(1))[0];
        await Admin.WithToken(buyer.Token).BoughtAsync(saleId);
        var live = await PageAsync($"/admin/sales/{saleId}/live");

        Assert.DoesNotContain("<html", live, StringComparison.Ordinal);
        foreach (var part in Parts)
        {
            Assert.Single(PartTag(part).Matches(page));
            Assert.Single(PartTag(part).Matches(live));
        }

        // The page as drawn had one order; the fresh read has the second.
        Assert.Contains("data-part=\"revenue\">10.00 USD<", page, StringComparison.Ordinal);
        Assert.Contains("data-part=\"revenue\">20.00 USD<", live, StringComparison.Ordinal);
        Assert.Contains("data-part=\"orders\">2<", live, StringComparison.Ordinal);
        Assert.Contains("data-record-sold=\"2\"", live, StringComparison.Ordinal);
        Assert.Equal(2, Regex.Count(live, "/admin/orders/[0-9a-f-]{36}/cancel"));
    }

    [Fact]
    public async Task TheLeaderboard_IsThePublicOne_MaskedAndSaidSo_BesideTheOrdersFullNames()
    {
        var saleId = (await Admin.CreateSaleAsync(stock: 5)).Id();
        var username = "leader" + Guid.NewGuid().ToString("N")[..8];
        using (var registered = await Admin.Anonymous().PostAsJsonAsync("/api/v1/accounts", new { username, password = "leader-password-1" }))
        {
            await Api.EnsureAsync(registered, HttpStatusCode.Created);
        }

        await Admin.WithToken(await Admin.Anonymous().TokenAsync(username, "leader-password-1")).BoughtAsync(saleId);
        var page = await PageAsync($"/admin/sales/{saleId}");

        var leaders = Regex.Match(page, "<ol class=\"leaders\">(.*?)</ol>", RegexOptions.Singleline).Groups[1].Value;
        Assert.Contains(FlashSale.Sales.NameMask.Mask(username), leaders, StringComparison.Ordinal);
        Assert.DoesNotContain(username, leaders, StringComparison.Ordinal);
        Assert.Contains("As buyers see it, names masked", page, StringComparison.Ordinal);
        Assert.Contains($"<td data-label=\"Buyer\">{username}</td>", page, StringComparison.Ordinal);
    }

    /// <summary>
    /// The latest orders' Bought column is to the second, as an order's moment is what tells a flash sale's orders apart:
    /// until 2026-12-07 it was to the minute ("09:29 UTC" on every row of a sale sold out in 2 s).
    /// </summary>
    [Fact]
    public async Task TheLatestOrders_ShowWhenEachWasBought_ToTheSecond()
    {
        var (saleId, _, _) = await Admin.SaleWithOrdersAsync(stock: 5, buyers: 1);
        var bought = (await Admin.AllOrdersAsync(saleId))[0]["purchasedAt"]!.GetValue<DateTimeOffset>();

        Assert.Equal(ToTheSecond(bought), BoughtCell(await PageAsync($"/admin/sales/{saleId}")));
    }

    /// <summary>As the sale's latest orders: support's page for the buyer and the buyer's own (to the minute until 2026-12-07).</summary>
    [Fact]
    public async Task TheBuyersOrders_ShowWhenEachWasBought_ToTheSecond_ForSupportAndForTheBuyer()
    {
        var saleId = (await Admin.CreateSaleAsync(stock: 5)).Id();
        var username = "seconds" + Guid.NewGuid().ToString("N")[..8];
        using (var registered = await Admin.Anonymous().PostAsJsonAsync("/api/v1/accounts", new { username, password = "seconds-password-1" }))
        {
            await Api.EnsureAsync(registered, HttpStatusCode.Created);
        }

        await Admin.WithToken(await Admin.Anonymous().TokenAsync(username, "seconds-password-1")).BoughtAsync(saleId);
        var bought = (await Admin.AllOrdersAsync(saleId))[0]["purchasedAt"]!.GetValue<DateTimeOffset>();
        var browser = Browser.Open(App);
        await browser.SignInAsync(username, "seconds-password-1");

        Assert.Equal(ToTheSecond(bought), BoughtCell(await browser.Http.GetStringAsync("/orders")));
        Assert.Equal(ToTheSecond(bought), BoughtCell(await PageAsync($"/admin/buyers?username={username}")));
    }

    private static string ToTheSecond(DateTimeOffset at) =>
        at.UtcDateTime.ToString("d MMM yyyy, HH:mm:ss 'UTC'", System.Globalization.CultureInfo.InvariantCulture);

    private static string BoughtCell(string page) =>
        // The buyer's page marks it for the script that shows it in the buyer's zone (data-local); its text is the UTC.
        Regex.Match(page, "<td data-label=\"Bought\"><time (?:data-local=\"seconds\" )?datetime=\"[^\"]+\">([^<]+)</time></td>").Groups[1].Value;

    [Theory]
    [InlineData("00000000-0000-0000-0000-000000000001")]
    [InlineData("not-an-id")]
    public async Task AnUnknownSale_Is404SaleNotFound(string id) =>
        await Api.ExpectProblemAsync(Admin.GetAsync($"/admin/sales/{id}/live"), HttpStatusCode.NotFound, "sale_not_found");

    private async Task<string> PageAsync(string path)
    {
        using var response = await Admin.GetAsync(path);
        await Api.EnsureAsync(response, HttpStatusCode.OK);
        return await response.Content.ReadAsStringAsync();
    }

    private static Regex PartTag(string part) => new($"data-part=\"{Regex.Escape(part)}\"");
}
