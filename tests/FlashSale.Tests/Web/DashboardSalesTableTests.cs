using System.Net;
using System.Text.RegularExpressions;
using FlashSale.Tests.Admin;
using FlashSale.Tests.Infrastructure;

namespace FlashSale.Tests.Web;

/// <summary>The dashboard's sales table: a page at a time (live sales newest start first), every sale reachable exactly once.</summary>
public sealed partial class DashboardSalesTableTests() : AdminAppTest(new TestApp())
{
    private const int PerPage = FlashSale.Web.DashboardData.SalesPerPage;

    [Fact]
    public async Task ShowsAPageOfSales_NewestFirst_AndLinksToTheOlderOnes()
    {
        var now = DateTimeOffset.UtcNow;
        var created = new List<string>();
        for (var i = 0; i < PerPage + 3; i++)
        {
            // Each starts an hour before the one created before it: newest first is creation order.
            created.Add((await Admin.CreateSaleAsync(5, startsAt: now.AddHours(-i), endsAt: now.AddHours(-i + 48))).Id());
        }

        var first = await PageAsync("/admin");
        var older = OlderLink().Match(first);
        Assert.True(older.Success, "the first page links to the older sales");
        var second = await PageAsync(WebUtility.HtmlDecode(older.Groups[1].Value));

        Assert.Equal(created.Take(PerPage), Rows(first));
        Assert.Equal(created.Skip(PerPage), Rows(second));
        Assert.DoesNotContain("Previous page", first, StringComparison.Ordinal);
        Assert.Contains("Previous page", second, StringComparison.Ordinal);
        Assert.False(OlderLink().IsMatch(second), "the last page links to nothing older");
    }

    [Fact]
    public async Task OnePageOfSales_HasNoPager()
    {
        await Admin.CreateSaleAsync(5);

        var page = await PageAsync("/admin");

        Assert.Single(Rows(page));
        Assert.DoesNotContain("class=\"pager\"", page, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/admin", "x")]
    [InlineData("/admin", "1.2.3")]
    [InlineData("/admin/live", "x")]
    [InlineData("/admin/live", "1.2.3")]
    public async Task AnOlderLinkThePageDidNotGive_Is400(string path, string before)
    {
        using var response = await Admin.GetAsync($"{path}?before={before}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task TheLiveParts_ListThePagesRows_InItsOrder_ForEachPage()
    {
        var now = DateTimeOffset.UtcNow;
        for (var i = 0; i < PerPage + 2; i++)
        {
            await Admin.CreateSaleAsync(5, startsAt: now.AddHours(-i), endsAt: now.AddHours(-i + 48));
        }

        var first = await PageAsync("/admin");
        var older = WebUtility.HtmlDecode(OlderLink().Match(first).Groups[1].Value);
        var second = await PageAsync(older);

        // What the script takes in (js/dashboard.js: refresh): the page's parts, drawn from a fresh read, for the same
        // page of the table.
        var liveFirst = await PageAsync("/admin/live");
        var liveSecond = await PageAsync(older.Replace("/admin?", "/admin/live?", StringComparison.Ordinal));

        Assert.Equal(Rows(first), Rows(liveFirst));
        Assert.Equal(Rows(second), Rows(liveSecond));
        Assert.Equal(older, WebUtility.HtmlDecode(OlderLink().Match(liveFirst).Groups[1].Value));
        Assert.Contains("Previous page", liveSecond, StringComparison.Ordinal);
        foreach (var part in new[] { "figures", "panels", "filters", "table", "pager" })
        {
            Assert.Contains($"data-part=\"{part}\"", first, StringComparison.Ordinal);
            Assert.Contains($"data-part=\"{part}\"", liveFirst, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("<html", liveFirst, StringComparison.Ordinal);
        Assert.Contains("data-refresh=\"/admin/live\"", first, StringComparison.Ordinal);
    }

    private async Task<string> PageAsync(string path)
    {
        using var response = await Admin.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    private static List<string> Rows(string page) => SaleRow().Matches(page).Select(m => m.Groups[1].Value).ToList();

    [GeneratedRegex("""<td data-label="Product"><a href="/admin/sales/([0-9a-f-]{36})">""")]
    private static partial Regex SaleRow();

    [GeneratedRegex("""<a href="(/admin\?after=[^"#]+)#sales-h" rel="next">""")]
    private static partial Regex OlderLink();
}
