using System.Net;
using System.Net.Http.Json;
using FlashSale.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace FlashSale.BrowserTests;

/// <summary>
/// What an open page shows after a change made elsewhere, without a reload: the home page's cards (one list request
/// for all of them every few seconds), the sale page's window line, and a buyer's holding after an admin's cancel.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class LivePageTests(BrowserFixture fixture) : IAsyncLifetime
{
    // A poll every 5 s: a change shows on the next one, generously within three.
    private static readonly LocatorAssertionsToHaveTextOptions Soon = new() { Timeout = 15_000 };

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => fixture.CloseContextsAsync();

    [Fact]
    public async Task HomeCards_FollowAnEarlyEnd_ASellOut_ADeletion_AndAnnounceANewSale()
    {
        var ending = await CreateSaleAsync(stock: 6000);
        var selling = await CreateSaleAsync(stock: 1);
        var deleting = await CreateSaleAsync(stock: 5);
        var page = await fixture.NewPageAsync();
        await page.GotoAsync("/");
        await Expect(Badge(page, ending)).ToHaveTextAsync("On sale");
        await Expect(Card(page, selling).Locator("[data-role=remaining]")).ToHaveTextAsync("1");
        await Expect(page.Locator("[data-role=new-sales]")).ToBeHiddenAsync();

        await Api.EnsureAsync(await fixture.Admin.SendAsync(HttpMethod.Post, $"/api/v1/admin/sales/{ending}/end"), HttpStatusCode.OK);
        using (var bought = await fixture.Admin.WithToken((await fixture.Admin.MintBuyersAsync(1))[0].Token).PurchaseAsync(selling))
        {
            await Api.EnsureAsync(bought, HttpStatusCode.Created);
        }

        await Api.EnsureAsync(await fixture.Admin.SendAsync(HttpMethod.Delete, $"/api/v1/admin/sales/{deleting}"), HttpStatusCode.NoContent);
        await CreateSaleAsync(stock: 3);

        // Before, the cards kept what they were drawn with: "On sale · Ends in 59 min", "1 of 1 left · On sale".
        await Expect(Badge(page, ending)).ToHaveTextAsync("Ended", Soon);
        await Expect(Card(page, ending).Locator("[data-role=countdown]")).ToHaveTextAsync("Ended");
        await Expect(Badge(page, selling)).ToHaveTextAsync("Sold out", Soon);
        await Expect(Card(page, selling).Locator("[data-role=remaining]")).ToHaveTextAsync("0");
        await Expect(Badge(page, deleting)).ToHaveTextAsync("Removed", Soon);
        await Expect(Card(page, deleting).Locator("[data-role=countdown]")).ToHaveTextAsync("This sale has been removed.");
        await Expect(page.Locator("[data-role=new-sales]")).ToBeVisibleAsync();
        await Expect(page.Locator("[data-role=new-sales]")).ToContainTextAsync("Reload the page");
    }

    [Fact]
    public async Task HomePage_AsksNothingWhileHidden_AndAgainOnceSeen()
    {
        var saleId = await CreateSaleAsync(stock: 4);
        var page = await fixture.NewPageAsync();
        var polls = 0;
        page.Request += (_, request) => polls += request.Url.Contains("/api/v1/sales?", StringComparison.Ordinal) ? 1 : 0;
        await page.GotoAsync("/");
        await page.EvaluateAsync("""
            () => {
              Object.defineProperty(document, "hidden", { configurable: true, get: () => true });
              document.dispatchEvent(new Event("visibilitychange"));
            }
            """);
        var before = polls;
        await Task.Delay(12_000);
        Assert.InRange(polls - before, 0, 1); // at most the one already due when the page was hidden

        using (var bought = await fixture.Admin.WithToken((await fixture.Admin.MintBuyersAsync(1))[0].Token).PurchaseAsync(saleId))
        {
            await Api.EnsureAsync(bought, HttpStatusCode.Created);
        }

        await page.EvaluateAsync("""
            () => {
              Object.defineProperty(document, "hidden", { configurable: true, get: () => false });
              document.dispatchEvent(new Event("visibilitychange"));
            }
            """);
        await Expect(Card(page, saleId).Locator("[data-role=remaining]")).ToHaveTextAsync("3", new() { Timeout = 3_000 });
    }

    [Fact]
    public async Task HomePage_PollsOnlyTheSalesItCanShow_NotEverySaleEverRun()
    {
        var now = DateTimeOffset.UtcNow;
        var longAgo = (await fixture.Admin.CreateSaleAsync(5, startsAt: now.AddDays(-31), endsAt: now.AddDays(-30)))["id"]!.GetValue<string>();
        // Six ended within the hour: the page's "Recently ended" holds these (or later ones), never the month-old sale.
        for (var i = 0; i < 6; i++)
        {
            await fixture.Admin.CreateSaleAsync(5, startsAt: now.AddHours(-2), endsAt: now.AddMinutes(-50 + i));
        }

        var open = await CreateSaleAsync(stock: 5);
        var page = await fixture.NewPageAsync();
        await page.GotoAsync("/");
        var poll = await page.WaitForResponseAsync(r => r.Url.Contains("/api/v1/sales?", StringComparison.Ordinal), new() { Timeout = 15_000 });
        var listed = (await poll.JsonAsync())!.Value.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()).ToList();

        Assert.Contains("endsAfter=", poll.Url, StringComparison.Ordinal);
        Assert.Contains(open, listed);
        Assert.DoesNotContain(longAgo, listed);
        await Expect(Card(page, longAgo)).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task HomeCard_OfAnUpcomingSaleMovedIntoThePast_SaysEnded_NotRemoved()
    {
        var now = DateTimeOffset.UtcNow;
        var moved = (await fixture.Admin.CreateSaleAsync(5, startsAt: now.AddHours(1), endsAt: now.AddHours(2)))["id"]!.GetValue<string>();
        var page = await fixture.NewPageAsync();
        await page.GotoAsync("/");
        await Expect(Badge(page, moved)).ToHaveTextAsync("Upcoming");

        // Its window now ends before anything the page polls for: absent from the list, but not deleted.
        using (var edited = await fixture.Admin.SendAsync(HttpMethod.Patch, $"/api/v1/admin/sales/{moved}",
            JsonContent.Create(new { startsAt = now.AddDays(-40), endsAt = now.AddDays(-39) })))
        {
            await Api.EnsureAsync(edited, HttpStatusCode.OK);
        }

        await Expect(Badge(page, moved)).ToHaveTextAsync("Ended", Soon);
        await Task.Delay(6_000); // another poll: still not taken for deleted
        await Expect(Badge(page, moved)).ToHaveTextAsync("Ended");
    }

    [Fact]
    public async Task ProductPage_TheWindowLine_FollowsAnEarlyEnd()
    {
        var saleId = await CreateSaleAsync(stock: 5);
        var page = await fixture.NewPageAsync();
        await page.GotoAsync($"/sales/{saleId}");
        var closes = page.Locator(".product [data-role=closes]");
        var drawn = await closes.InnerTextAsync();
        await Expect(Pages.Status(page)).ToHaveTextAsync("On sale");

        using var ended = await fixture.Admin.SendAsync(HttpMethod.Post, $"/api/v1/admin/sales/{saleId}/end");
        await Api.EnsureAsync(ended, HttpStatusCode.OK);
        var endsAt = (await ended.Content.ReadFromJsonAsync<System.Text.Json.Nodes.JsonObject>())!["endsAt"]!.GetValue<DateTimeOffset>();

        await Expect(Pages.Status(page)).ToHaveTextAsync("Ended", Soon);
        // Before, "closes" kept the original end, an hour after the sale had ended.
        var expected = endsAt.UtcDateTime.ToString("d MMM yyyy, HH:mm 'UTC'", System.Globalization.CultureInfo.InvariantCulture);
        await Expect(closes).ToHaveTextAsync(expected);
        Assert.NotEqual(drawn, expected);
    }

    [Fact]
    public async Task BuyersOrderCancelledByTheAdmin_ThePageOffersTheUnitAgain_WithoutReload()
    {
        var saleId = await CreateSaleAsync(stock: 5);
        var page = await fixture.NewPageAsync();
        await Pages.RegisterAsync(page, Pages.NewUsername());
        await page.GotoAsync($"/sales/{saleId}");
        await Pages.BuyButton(page).ClickAsync();
        await Expect(Pages.Flash(page)).ToContainTextAsync("You got it");
        var held = page.Locator("[data-role=held]");
        await Expect(held).ToHaveTextAsync("You hold 1 of 1.");
        await Expect(Pages.BuyButton(page)).ToBeDisabledAsync();

        var orderId = (await fixture.Admin.AllOrdersAsync(saleId)).Single()["orderId"]!.GetValue<string>();
        using (var cancelled = await fixture.Admin.SendAsync(HttpMethod.Post, $"/api/v1/admin/orders/{orderId}/cancel"))
        {
            await Api.EnsureAsync(cancelled, HttpStatusCode.OK);
        }

        // Before, "You hold 1 of 1" and a disabled button stayed until a reload.
        await Expect(Pages.Remaining(page)).ToHaveTextAsync("5", Soon);
        await Expect(Pages.BuyButton(page)).ToBeEnabledAsync(new() { Timeout = 10_000 });
        await Expect(held).ToBeHiddenAsync();
        // And the message says so: it kept "You got it! Your order is confirmed" beside the offer to buy again.
        await Expect(Pages.Flash(page)).ToContainTextAsync("was cancelled by the shop");
        await Expect(Pages.Flash(page)).Not.ToContainTextAsync("confirmed");

        await Pages.BuyButton(page).ClickAsync();
        await Expect(Pages.Flash(page)).ToContainTextAsync("You got it");
        await Expect(held).ToHaveTextAsync("You hold 1 of 1.");
    }

    [Fact]
    public async Task ADeletedSale_ItsPageSaysRemoved_AndNeverOffersBuyNow_WhenItsStartComes()
    {
        var startsAt = DateTimeOffset.UtcNow.AddSeconds(6);
        var saleId = (await fixture.Admin.CreateSaleAsync(5, startsAt: startsAt))["id"]!.GetValue<string>();
        var page = await fixture.NewPageAsync();
        await Pages.RegisterAsync(page, Pages.NewUsername());
        await page.RunAndWaitForResponseAsync(() => page.GotoAsync($"/sales/{saleId}"), r => r.Url.EndsWith("/events", StringComparison.Ordinal));
        await Expect(Pages.Status(page)).ToHaveTextAsync("Upcoming");

        using (var deleted = await fixture.Admin.SendAsync(HttpMethod.Delete, $"/api/v1/admin/sales/{saleId}"))
        {
            await Api.EnsureAsync(deleted, HttpStatusCode.NoContent);
        }

        // Before, the feed's "gone" only showed a message: the countdown ran on to the start, then "On sale" and an
        // enabled "Buy now" for a sale that no longer exists.
        await Expect(Pages.Flash(page)).ToContainTextAsync("This sale has been removed.", new() { Timeout = 10_000 });
        await Expect(Pages.Status(page)).ToHaveTextAsync("Removed");
        var untilStarted = startsAt - DateTimeOffset.UtcNow + TimeSpan.FromSeconds(1.5);
        if (untilStarted > TimeSpan.Zero)
        {
            await Task.Delay(untilStarted);
        }

        await Expect(Pages.Status(page)).ToHaveTextAsync("Removed");
        await Expect(page.Locator(".product [data-role=countdown]")).ToHaveTextAsync("This sale has been removed.");
        await Expect(Pages.BuyButton(page)).ToBeDisabledAsync();
        await Expect(Pages.BuyButton(page)).ToHaveTextAsync("No longer on sale");
    }

    [Fact]
    public async Task ALimitChangedBeforeTheStart_ThePageOffersTheNewLimit_WithoutReload()
    {
        var startsAt = DateTimeOffset.UtcNow.AddSeconds(8);
        var saleId = (await fixture.Admin.CreateSaleAsync(10, perUserLimit: 1, startsAt: startsAt))["id"]!.GetValue<string>();
        var page = await fixture.NewPageAsync();
        await Pages.RegisterAsync(page, Pages.NewUsername());
        await page.RunAndWaitForResponseAsync(() => page.GotoAsync($"/sales/{saleId}"), r => r.Url.EndsWith("/events", StringComparison.Ordinal));
        var limit = page.Locator(".product [data-role=limit]");
        var quantity = page.Locator("#quantity");
        await Expect(limit).ToHaveTextAsync("1");
        await Expect(quantity).ToBeHiddenAsync();

        using (var edited = await fixture.Admin.SendAsync(HttpMethod.Patch, $"/api/v1/admin/sales/{saleId}",
            JsonContent.Create(new { perUserLimit = 3 })))
        {
            await Api.EnsureAsync(edited, HttpStatusCode.OK);
        }

        // Before, the page kept "limit 1 per buyer" and no quantity; after one unit, "You hold 1 of 1." and a disabled button.
        await Expect(limit).ToHaveTextAsync("3", Soon);
        await Expect(quantity).ToBeVisibleAsync();
        await Expect(Pages.BuyButton(page)).ToBeEnabledAsync(new() { Timeout = 15_000 });
        await quantity.FillAsync("2");
        await Pages.BuyButton(page).ClickAsync();
        await Expect(Pages.Flash(page)).ToContainTextAsync("You got it");
        await Expect(page.Locator("[data-role=held]")).ToHaveTextAsync("You hold 2 of 3.");
        await Expect(Pages.BuyButton(page)).ToBeEnabledAsync();
        await Expect(quantity).ToHaveAttributeAsync("max", "1");
    }

    /// <summary>
    /// The stock's total changed before the start (PATCH while upcoming): the sale page (the live feed) and the home page's
    /// card (the list) read the new total. Until 2026-12-07 the total was static text: "3 of 5 left" beside a bar of 3.
    /// </summary>
    [Fact]
    public async Task AStockChangedBeforeTheStart_TheStockLineReadsTheNewTotal_WithoutReload()
    {
        var saleId = (await fixture.Admin.CreateSaleAsync(5, startsAt: DateTimeOffset.UtcNow.AddHours(1), endsAt: DateTimeOffset.UtcNow.AddHours(3)))["id"]!.GetValue<string>();
        var (page, home) = await SaleAndHomeAsync(saleId, registered: false);
        var line = page.Locator(".product [data-role=left]");
        var card = Card(home, saleId).Locator("[data-role=left]");
        await Expect(line).ToHaveTextAsync("5 of 5 left");
        await Expect(card).ToHaveTextAsync("5 of 5 left");

        using (var edited = await fixture.Admin.SendAsync(HttpMethod.Patch, $"/api/v1/admin/sales/{saleId}",
            JsonContent.Create(new { totalStock = 3 })))
        {
            await Api.EnsureAsync(edited, HttpStatusCode.OK);
        }

        await Expect(line).ToHaveTextAsync("3 of 3 left", Soon);
        await Expect(card).ToHaveTextAsync("3 of 3 left", Soon);
        await Expect(page.Locator(".product [data-role=bar]")).ToHaveAttributeAsync("max", "3");
    }

    /// <summary>
    /// A sold-out sale topped up while it runs (more units found: PATCH totalStock, allowed since 2026-12-07 until it ends),
    /// then given a later end: a buyer's open page goes from "Sold out" back to a "Buy now" with the new count left, and
    /// its countdown and "closes" follow the new end, without a reload; so does the home page's card.
    /// </summary>
    [Fact]
    public async Task ASoldOutSaleToppedUpAndExtended_ThePageOffersItAgain_WithTheNewEnd_WithoutReload()
    {
        var endsAt = DateTimeOffset.UtcNow.AddMinutes(50);
        var saleId = (await fixture.Admin.CreateSaleAsync(1, endsAt: endsAt))["id"]!.GetValue<string>();
        await fixture.Admin.WithToken((await fixture.Admin.MintBuyersAsync(1))[0].Token).BoughtAsync(saleId);
        var (page, home) = await SaleAndHomeAsync(saleId, registered: true);
        var line = page.Locator(".product [data-role=left]");
        var countdown = page.Locator(".product [data-role=countdown]");
        var closes = page.Locator(".product [data-role=closes]");
        await Expect(Pages.Status(page)).ToHaveTextAsync("Sold out");
        await Expect(Pages.BuyButton(page)).ToBeDisabledAsync();
        await Expect(line).ToHaveTextAsync("0 of 1 left");
        await Expect(Badge(home, saleId)).ToHaveTextAsync("Sold out");
        await Expect(countdown).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^Ends in [0-9]+ min"));
        // The admin's page of the sale, open beside it (its units follow the same feed).
        var admin = await fixture.NewPageAsync();
        await Pages.SignInAsync(admin, "admin", TestApp.AdminPassword);
        await admin.GotoAsync($"/admin/sales/{saleId}");
        await Expect(admin.Locator("[data-kpi=units]")).ToHaveTextAsync("1 / 1");
        await Expect(admin.Locator(".admin-sale > .page-head > [data-role=status]")).ToHaveTextAsync("Sold out");

        using (var topped = await fixture.Admin.SendAsync(HttpMethod.Patch, $"/api/v1/admin/sales/{saleId}",
            JsonContent.Create(new { totalStock = 4 })))
        {
            await Api.EnsureAsync(topped, HttpStatusCode.OK);
        }

        await Expect(Pages.Status(page)).ToHaveTextAsync("On sale", Soon);
        await Expect(line).ToHaveTextAsync("3 of 4 left");
        await Expect(page.Locator(".product [data-role=bar]")).ToHaveAttributeAsync("max", "4");
        await Expect(Pages.BuyButton(page)).ToBeEnabledAsync();
        await Expect(Pages.BuyButton(page)).ToHaveTextAsync("Buy now");
        await Expect(Badge(home, saleId)).ToHaveTextAsync("On sale", Soon);
        await Expect(Card(home, saleId).Locator("[data-role=left]")).ToHaveTextAsync("3 of 4 left");
        await Expect(admin.Locator("[data-kpi=units]")).ToHaveTextAsync("1 / 4", Soon);
        await Expect(admin.Locator("[data-role=sell-through]")).ToHaveTextAsync("25 %");
        await Expect(admin.Locator(".admin-sale > .page-head > [data-role=status]")).ToHaveTextAsync("On sale");

        var later = endsAt.AddHours(3);
        using (var extended = await fixture.Admin.SendAsync(HttpMethod.Patch, $"/api/v1/admin/sales/{saleId}",
            JsonContent.Create(new { endsAt = later })))
        {
            await Api.EnsureAsync(extended, HttpStatusCode.OK);
        }

        await Expect(countdown).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^Ends in 3 h [0-9]+ min$"), Soon);
        await Expect(closes).ToHaveTextAsync(
            later.UtcDateTime.ToString("d MMM yyyy, HH:mm 'UTC'", System.Globalization.CultureInfo.InvariantCulture));
        await Expect(Card(home, saleId).Locator("[data-role=countdown]")).ToHaveTextAsync(
            new System.Text.RegularExpressions.Regex("^Ends in 3 h [0-9]+ min$"), Soon);
        await Expect(admin.Locator(".admin-sale > [data-role=countdown]")).ToHaveTextAsync(
            new System.Text.RegularExpressions.Regex("^Ends in 3 h [0-9]+ min$"), Soon);

        await Pages.BuyButton(page).ClickAsync();
        await Expect(Pages.Flash(page)).ToContainTextAsync("You got it");
        await Expect(line).ToHaveTextAsync("2 of 4 left");
    }

    /// <summary>
    /// A sale repriced before its first order: its page and its card show the new price without a reload, and the buy
    /// form then expects it, so the next press buys at the price shown (until 2026-12-07 the page kept the price it was
    /// drawn with until a purchase was refused price_changed).
    /// </summary>
    [Fact]
    public async Task ARepricedSale_ShowsItsNewPriceWithoutReload_AndBuysAtIt()
    {
        var saleId = await CreateSaleAsync(stock: 5);
        var (page, home) = await SaleAndHomeAsync(saleId, registered: true);
        var price = page.Locator(".product [data-role=price]");
        var card = Card(home, saleId).Locator("[data-role=price]");
        await Expect(price).ToHaveTextAsync("10.00 USD");
        await Expect(card).ToHaveTextAsync("10.00 USD");

        using (var edited = await fixture.Admin.SendAsync(HttpMethod.Patch, $"/api/v1/admin/sales/{saleId}",
            JsonContent.Create(new { price = 1234.5m, currency = "HUF" })))
        {
            await Api.EnsureAsync(edited, HttpStatusCode.OK);
        }

        await Expect(price).ToHaveTextAsync("1,234.50 HUF", Soon);
        await Expect(card).ToHaveTextAsync("1,234.50 HUF", Soon);

        await Pages.BuyButton(page).ClickAsync();
        await Expect(Pages.Flash(page)).ToContainTextAsync("You got it");
        var order = Assert.Single(await fixture.Admin.AllOrdersAsync(saleId));
        Assert.Equal(1234.5m, order["unitPrice"]!.GetValue<decimal>());
        Assert.Equal("HUF", order["currency"]!.GetValue<string>());
    }

    [Fact]
    public async Task SixSalePagesOpen_TheHiddenOnesLetTheirStreamsGo_SoASeventhPageLoadsAndBuys()
    {
        var first = await fixture.NewPageAsync();
        await Pages.RegisterAsync(first, Pages.NewUsername());
        var tabs = new List<(IPage Page, string SaleId)>();
        for (var i = 0; i < 6; i++)
        {
            var saleId = await CreateSaleAsync(stock: 5);
            var tab = i == 0 ? first : await first.Context.NewPageAsync();
            await tab.RunAndWaitForResponseAsync(() => tab.GotoAsync($"/sales/{saleId}"), r => r.Url.EndsWith("/events", StringComparison.Ordinal));
            await Pages.SetHiddenAsync(tab, true); // the buyer moves on to another tab
            tabs.Add((tab, saleId));
        }

        // Six streams took the browser's six connections to the host (HTTP/1.1): a seventh page never loaded, and a
        // purchase from any page never left.
        var seventh = await first.Context.NewPageAsync();
        var last = await CreateSaleAsync(stock: 5);
        await seventh.GotoAsync($"/sales/{last}", new() { Timeout = 10_000 });
        await Pages.BuyButton(seventh).ClickAsync(new() { Timeout = 10_000 });
        await Expect(Pages.Flash(seventh)).ToContainTextAsync("You got it", new() { Timeout = 10_000 });

        // Seen again, a page opens its stream, whose snapshot says what changed while it was hidden.
        var (back, backSale) = tabs[0];
        using (var bought = await fixture.Admin.WithToken((await fixture.Admin.MintBuyersAsync(1))[0].Token).PurchaseAsync(backSale))
        {
            await Api.EnsureAsync(bought, HttpStatusCode.Created);
        }

        await Pages.SetHiddenAsync(back, false);
        await Expect(Pages.Remaining(back)).ToHaveTextAsync("4", Soon);
    }

    /// <summary>A sale's page, following its live feed, and the home page beside it in the same browser.</summary>
    private async Task<(IPage Page, IPage Home)> SaleAndHomeAsync(string saleId, bool registered)
    {
        var page = await fixture.NewPageAsync();
        if (registered)
        {
            await Pages.RegisterAsync(page, Pages.NewUsername());
        }

        await page.RunAndWaitForResponseAsync(() => page.GotoAsync($"/sales/{saleId}"), r => r.Url.EndsWith("/events", StringComparison.Ordinal));
        var home = await page.Context.NewPageAsync();
        await home.GotoAsync("/");
        return (page, home);
    }

    private async Task<string> CreateSaleAsync(int stock) =>
        (await fixture.Admin.CreateSaleAsync(stock))["id"]!.GetValue<string>();

    private static ILocator Card(IPage page, string saleId) => page.Locator($"li.card[data-sale='{saleId}']");

    private static ILocator Badge(IPage page, string saleId) => Card(page, saleId).Locator("[data-role=status]");
}
