using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using FlashSale.Tests.Admin;
using FlashSale.Tests.Infrastructure;

namespace FlashSale.Tests.Web;

/// <summary>
/// The dashboard's table on a launch day: live sales first, then upcoming (soonest first), then ended (latest end first);
/// a filter per group, a search by SKU or product name, and a pager both ways. Until 2026-12-07 the table was newest
/// start first, and with 45 sales scheduled the 7 live ones were on the second page ("Older sales →").
/// </summary>
public sealed partial class DashboardFilterTests() : AdminAppTest(new TestApp())
{
    private const int PerPage = FlashSale.Web.DashboardData.SalesPerPage;

    [Fact]
    public async Task OnALaunchDay_TheLiveSalesAreOnTheFirstPage_ThenTheSoonestUpcoming_ThenTheLatestEnded()
    {
        var now = DateTimeOffset.UtcNow;
        var upcoming = new List<string>();
        for (var i = 0; i < 45; i++)
        {
            // Created soonest last: neither creation order nor the newest start puts them in the order wanted.
            upcoming.Add(await SaleAsync($"UP-{i:D2}", "Gadget", now.AddDays(2).AddMinutes(-i), now.AddDays(3)));
        }

        var live = new List<string>();
        for (var i = 0; i < 7; i++)
        {
            live.Add(await SaleAsync($"LIVE-{i}", "Phone", now.AddHours(-7 + i), now.AddHours(2)));
        }

        var ended = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            ended.Add(await SaleAsync($"END-{i}", "Watch", now.AddDays(-3), now.AddHours(-6 + i)));
        }

        var first = await PageAsync("/admin");
        var rows = Rows(first);

        Assert.Equal(PerPage, rows.Count);
        // Live, newest start first; then upcoming, soonest first.
        Assert.Equal(Enumerable.Reverse(live), rows.Take(7));
        Assert.Equal(Enumerable.Reverse(upcoming).Take(PerPage - 7), rows.Skip(7));
        Assert.Contains("""<a href="/admin#sales-h" aria-current="page">All <span class="count">58</span></a>""", first, StringComparison.Ordinal);
        Assert.Contains("""<a href="/admin?status=live#sales-h">Live <span class="count">7</span></a>""", first, StringComparison.Ordinal);

        // The next page: the last upcoming ones, then the ended ones, latest end first; and the way back.
        var second = await PageAsync(Link(first, "next"));
        Assert.Equal(Enumerable.Reverse(upcoming).Skip(PerPage - 7).Concat(Enumerable.Reverse(ended)), Rows(second));
        Assert.Equal("/admin#sales-h", Link(second, "prev"));
        Assert.Null(LinkOrNull(second, "next"));

        var onlyLive = await PageAsync("/admin?status=live");
        Assert.Equal(Enumerable.Reverse(live), Rows(onlyLive));
        Assert.Contains("""<a href="/admin?status=live#sales-h" aria-current="page">Live""", onlyLive, StringComparison.Ordinal);
        Assert.Equal(Enumerable.Reverse(ended), Rows(await PageAsync("/admin?status=ended")));
        Assert.Equal(Enumerable.Reverse(upcoming), Rows(await PageAsync("/admin?status=upcoming")));
    }

    [Fact]
    public async Task TheSearch_FindsBySkuOrProductName_IgnoringCase_WithinTheFilter()
    {
        var now = DateTimeOffset.UtcNow;
        var phone = await SaleAsync("IPH-15-PRO", "iPhone 15 Pro", now.AddMinutes(-1), now.AddHours(1));
        var case_ = await SaleAsync("CASE-IPH", "Leather case", now.AddDays(1), now.AddDays(2));
        await SaleAsync("WATCH-1", "Watch", now.AddMinutes(-1), now.AddHours(1));

        Assert.Equal([phone, case_], Rows(await PageAsync("/admin?q=iph")));
        Assert.Equal([phone], Rows(await PageAsync("/admin?q=IPHONE")));
        Assert.Equal([phone], Rows(await PageAsync("/admin?status=live&q=iph")));
        var page = await PageAsync("/admin?status=upcoming&q=iph");
        Assert.Equal([case_], Rows(page));
        // The filters keep the search, the search keeps the filter; the live reads ask for the same.
        Assert.Contains("""<a href="/admin?status=live&amp;q=iph#sales-h">Live <span class="count">1</span></a>""", page, StringComparison.Ordinal);
        Assert.Contains("""<input type="hidden" name="status" value="upcoming">""", page, StringComparison.Ordinal);
        Assert.Contains("""data-refresh="/admin/live?status=upcoming&amp;q=iph""", page, StringComparison.Ordinal);
        Assert.Equal([case_], Rows(await PageAsync("/admin/live?status=upcoming&q=iph")));

        var none = await PageAsync("/admin?q=nothing-like-it");
        Assert.Empty(Rows(none));
        Assert.Contains("No sale matches “nothing-like-it”.", none, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ThePager_GoesBothWays_WithAPositionEachWay()
    {
        var now = DateTimeOffset.UtcNow;
        var created = new List<string>();
        for (var i = 0; i < (2 * PerPage) + 5; i++)
        {
            created.Add((await Admin.CreateSaleAsync(5, startsAt: now.AddMinutes(-1 - i), endsAt: now.AddHours(1))).Id());
        }

        var first = await PageAsync("/admin");
        var second = await PageAsync(Link(first, "next"));
        var third = await PageAsync(Link(second, "next"));
        Assert.Equal(created.Skip(2 * PerPage), Rows(third));

        var back = Link(third, "prev");
        Assert.Contains("before=", back, StringComparison.Ordinal);
        Assert.Equal(created.Skip(PerPage).Take(PerPage), Rows(await PageAsync(back)));
        Assert.Equal(Rows(second), Rows(await PageAsync(back.Replace("/admin?", "/admin/live?", StringComparison.Ordinal))));
        Assert.Equal("/admin#sales-h", Link(second, "prev"));

        // The sales after a cursor gone since its page was drawn (deleted here; ended ones move away too): the last page,
        // not an empty one whose "previous" link read past the list (a 500).
        foreach (var id in created.Skip(2 * PerPage))
        {
            await Api.EnsureAsync(await Admin.SendAsync(HttpMethod.Delete, $"/api/v1/admin/sales/{id}"), HttpStatusCode.NoContent);
        }

        Assert.Equal(created.Skip(PerPage).Take(PerPage), Rows(await PageAsync(Link(second, "next"))));
    }

    [Fact]
    public async Task AnOldPagerLink_OpensTheFirstPage_WithANotice_NotA400()
    {
        var now = DateTimeOffset.UtcNow;
        var live = await SaleAsync("OLD-LINK-LIVE", "Phone", now.AddMinutes(-5), now.AddHours(1));
        var upcoming = await SaleAsync("OLD-LINK-UP", "Gadget", now.AddDays(1), now.AddDays(2));
        // A bookmark of "Older sales →" as the table gave it until 2026-12-07: before={startTicks}.{createdTicks}.{id}.
        var old = $"/admin?before={now.AddDays(1).UtcTicks}.{now.UtcTicks}.{Guid.Parse(upcoming):N}";
        var browser = Browser.Open(App);
        await browser.SignInAsync("admin", TestApp.AdminPassword);

        using var response = await browser.Http.GetAsync(old);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var first = response.Headers.Location!.OriginalString;
        Assert.Equal($"/admin?m={FlashSale.Web.AdminPages.OldPageLink}#sales-h", first);
        var page = await browser.Http.GetStringAsync(first);
        Assert.Contains(WebUtility.HtmlEncode(FlashSale.Web.AdminPages.AdminFlash(FlashSale.Web.AdminPages.OldPageLink)!.Text), page, StringComparison.Ordinal);
        Assert.Equal([live, upcoming], Rows(page));
        // A filter or search beside it is kept; the script's read of a page drawn with such a link gets the first page's parts.
        using (var filtered = await browser.Http.GetAsync(old.Replace("?", "?status=live&q=phone&", StringComparison.Ordinal)))
        {
            Assert.Equal($"/admin?status=live&q=phone&m={FlashSale.Web.AdminPages.OldPageLink}#sales-h", filtered.Headers.Location!.OriginalString);
        }

        Assert.Equal([live, upcoming], Rows(await PageAsync(old.Replace("/admin?", "/admin/live?", StringComparison.Ordinal))));
    }

    [Theory]
    [InlineData("/admin?status=soon")]
    [InlineData("/admin?after=x")]
    [InlineData("/admin/live?before=1.2.3")]
    [InlineData("/admin?after=0.1.2.00000000000000000000000000000000&before=0.1.2.00000000000000000000000000000000")]
    public async Task AQueryThePageDidNotGive_Is400(string path)
    {
        using var response = await Admin.GetAsync(path);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    private async Task<string> SaleAsync(string sku, string name, DateTimeOffset startsAt, DateTimeOffset endsAt)
    {
        using var response = await Admin.PostAsJsonAsync("/api/v1/admin/sales", new
        {
            sku,
            productName = name,
            price = 10m,
            totalStock = 5,
            startsAt,
            endsAt,
        });
        await Api.EnsureAsync(response, HttpStatusCode.Created);
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!.Id();
    }

    private async Task<string> PageAsync(string path)
    {
        using var response = await Admin.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    private static string Link(string page, string rel) => LinkOrNull(page, rel) ?? "";

    private static string? LinkOrNull(string page, string rel)
    {
        var match = Regex.Match(page, $"""<a href="(/admin[^"]*)" rel="{rel}">""");
        return match.Success ? WebUtility.HtmlDecode(match.Groups[1].Value) : null;
    }

    private static List<string> Rows(string page) => SaleRow().Matches(page).Select(m => m.Groups[1].Value).ToList();

    [GeneratedRegex("""<td data-label="Product"><a href="/admin/sales/([0-9a-f-]{36})">""")]
    private static partial Regex SaleRow();
}
