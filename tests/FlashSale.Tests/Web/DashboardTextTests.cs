using System.Globalization;
using System.Net;
using FlashSale.Tests.Infrastructure;

namespace FlashSale.Tests.Web;

/// <summary>What the dashboard says: sale dates with the year when it is not this one; "1 unit"; a bad link's error in words.</summary>
public sealed class DashboardTextTests() : AdminAppTest(new TestApp())
{
    [Fact]
    public async Task SaleDates_ShowTheYear_OnlyWhenItIsNotThisOne()
    {
        var now = DateTimeOffset.UtcNow;
        var nextYear = new DateTimeOffset(now.Year + 1, 3, 4, 10, 0, 0, TimeSpan.Zero);
        var thisYear = new DateTimeOffset(now.Year, now.Month, now.Day, 0, 0, 0, TimeSpan.Zero).AddMinutes(1);
        await Admin.CreateSaleAsync(5, startsAt: nextYear, endsAt: nextYear.AddHours(1));
        await Admin.CreateSaleAsync(5, startsAt: thisYear, endsAt: nextYear.AddHours(2));

        using var response = await Admin.GetAsync("/admin");
        var page = await response.Content.ReadAsStringAsync();

        Assert.Contains($"4 Mar {now.Year + 1}, 10:00", page, StringComparison.Ordinal);
        Assert.Contains(thisYear.ToString("d MMM, 00:01", CultureInfo.InvariantCulture), page, StringComparison.Ordinal);
        Assert.DoesNotContain(thisYear.ToString($"d MMM '{now.Year}', 00:01", CultureInfo.InvariantCulture), page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TopProducts_SayOneUnit_NotOneUnits()
    {
        var one = (await Admin.CreateSaleAsync(5, currency: "SEK"))["id"]!.GetValue<string>();
        var buyers = await Admin.MintBuyersAsync(1);
        using (var bought = await Admin.WithToken(buyers[0].Token).PurchaseAsync(one))
        {
            await Api.EnsureAsync(bought, HttpStatusCode.Created);
        }

        using var response = await Admin.GetAsync("/admin");
        var page = await response.Content.ReadAsStringAsync();

        Assert.Contains("""<span class="muted small">1 unit</span>""", page, StringComparison.Ordinal);
        Assert.DoesNotContain("1 units", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnOlderLinkThePageDidNotGive_SaysWhatIsWrong()
    {
        var browser = Browser.Open(App);
        await browser.SignInAsync("admin", TestApp.AdminPassword);

        using var request = new HttpRequestMessage(HttpMethod.Get, "/admin?before=garbage");
        request.Headers.Accept.ParseAdd(Browser.HtmlAccept);
        using var response = await browser.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var page = await response.Content.ReadAsStringAsync();
        Assert.Contains("<code>before</code> is not a link this page gave.", page, StringComparison.Ordinal);
        Assert.DoesNotContain("See &#39;errors&#39;", page, StringComparison.Ordinal);
        Assert.DoesNotContain("See 'errors'", page, StringComparison.Ordinal);
    }
}
