using System.Text.RegularExpressions;
using FlashSale.Tests.Admin;
using FlashSale.Tests.Infrastructure;

namespace FlashSale.Tests.Web;

/// <summary>The shop's front page: what is on sale and coming first, then only the latest few ended sales.</summary>
public sealed partial class FrontPageTests() : AdminAppTest(new TestApp())
{
    private const int RecentlyEndedShown = FlashSale.Web.ShopPages.RecentlyEndedShown;

    [Fact]
    public async Task ShowsOpenAndComingSales_SoonestFirst_ThenOnlyTheLatestEnded_NewestFirst()
    {
        var now = DateTimeOffset.UtcNow;
        var coming = (await Admin.CreateSaleAsync(5, startsAt: now.AddHours(2), endsAt: now.AddHours(3))).Id();
        var onSale = (await Admin.CreateSaleAsync(5)).Id();
        var ended = new List<string>();
        for (var i = 1; i <= RecentlyEndedShown + 2; i++)
        {
            // Ended i hours ago: the first created is the most recent.
            ended.Add((await Admin.CreateSaleAsync(5, startsAt: now.AddHours(-i - 1), endsAt: now.AddHours(-i))).Id());
        }

        var page = await App.CreateClient().GetStringAsync("/");
        var cards = CardIds().Matches(page).Select(m => m.Groups[1].Value).ToList();

        Assert.Equal([onSale, coming, .. ended.Take(RecentlyEndedShown)], cards);
        var heading = page.IndexOf("Recently ended", StringComparison.Ordinal);
        Assert.True(heading > page.IndexOf(coming, StringComparison.Ordinal) && heading < page.IndexOf(ended[0], StringComparison.Ordinal),
            "the ended sales come under their own heading");
    }

    [Fact]
    public async Task SoldOutSales_ComeAfterTheOnesWithUnitsToBuy_ComingOnesIncluded()
    {
        var now = DateTimeOffset.UtcNow;
        var soldOut = (await Admin.CreateSaleAsync(1, startsAt: now.AddMinutes(-30))).Id();
        var onSale = (await Admin.CreateSaleAsync(5)).Id();
        var coming = (await Admin.CreateSaleAsync(5, startsAt: now.AddHours(2), endsAt: now.AddHours(3))).Id();
        await Admin.WithToken((await Admin.MintBuyersAsync(1))[0].Token).BoughtAsync(soldOut);

        var page = await App.CreateClient().GetStringAsync("/");

        Assert.Equal([onSale, coming, soldOut], CardIds().Matches(page).Select(m => m.Groups[1].Value));
    }

    [Fact]
    public async Task WithOnlyEndedSales_SaysSo_AndStillShowsTheLatest()
    {
        var now = DateTimeOffset.UtcNow;
        var ended = (await Admin.CreateSaleAsync(5, startsAt: now.AddHours(-2), endsAt: now.AddHours(-1))).Id();

        var page = await App.CreateClient().GetStringAsync("/");

        Assert.Contains("No sales on now or coming up.", page, StringComparison.Ordinal);
        Assert.Equal([ended], CardIds().Matches(page).Select(m => m.Groups[1].Value));
    }

    [GeneratedRegex("""<li class="card" data-sale="([0-9a-f-]{36})"(?=\s)""")]
    private static partial Regex CardIds();
}
