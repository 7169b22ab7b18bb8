using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using FlashSale.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace FlashSale.BrowserTests;

/// <summary>
/// A buyer's times in the buyer's time zone (local-time.js): the pages wrote them in UTC only, so a buyer in Berlin or New
/// York had to convert "Opens 15 Jul 2031, 12:00 UTC" to know when to be there. The UTC stays in the title, and is what a
/// page without script shows.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class LocalTimeTests(BrowserFixture fixture) : IAsyncLifetime
{
    private static readonly DateTimeOffset Opens = new(2031, 7, 15, 12, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Closes = new(2031, 7, 15, 13, 30, 0, TimeSpan.Zero);

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => fixture.CloseContextsAsync();

    [Theory]
    [InlineData("Europe/Berlin", "15 Jul 2031, 14:00 CEST", "15 Jul 2031, 15:30 CEST")]
    [InlineData("America/New_York", "15 Jul 2031, 08:00 GMT-4", "15 Jul 2031, 09:30 GMT-4")]
    [InlineData("UTC", "15 Jul 2031, 12:00 UTC", "15 Jul 2031, 13:30 UTC")]
    public async Task ASalesWindow_ReadsInTheBuyersTimeZone_WithTheUtcInItsTitle(string zone, string opens, string closes)
    {
        var saleId = await CreateSaleAsync();
        var page = await fixture.NewPageAsync(timeZone: zone);
        await page.GotoAsync($"/sales/{saleId}");

        await Expect(page.Locator(".product [data-role=opens]")).ToHaveTextAsync(opens);
        await Expect(page.Locator(".product [data-role=closes]")).ToHaveTextAsync(closes);
        await Expect(page.Locator(".product [data-role=opens]")).ToHaveAttributeAsync("title", "15 Jul 2031, 12:00 UTC");
    }

    [Fact]
    public async Task WithoutScript_TheWindowReadsInUtc()
    {
        var saleId = await CreateSaleAsync();
        var page = await fixture.NewPageAsync(javaScript: false, timeZone: "Europe/Berlin");
        await page.GotoAsync($"/sales/{saleId}");

        await Expect(page.Locator(".product [data-role=opens]")).ToHaveTextAsync("15 Jul 2031, 12:00 UTC");
        await Expect(page.Locator(".product [data-role=closes]")).ToHaveTextAsync("15 Jul 2031, 13:30 UTC");
    }

    [Fact]
    public async Task AWindowMovedByTheShop_IsShownInTheBuyersTimeZoneToo()
    {
        var saleId = await CreateSaleAsync();
        var page = await fixture.NewPageAsync(timeZone: "Europe/Berlin");
        await page.GotoAsync($"/sales/{saleId}");
        await Expect(page.Locator(".product [data-role=opens]")).ToHaveTextAsync("15 Jul 2031, 14:00 CEST");

        using (var moved = await fixture.Admin.SendAsync(HttpMethod.Patch, $"/api/v1/admin/sales/{saleId}",
            JsonContent.Create(new { startsAt = Opens.AddMonths(5), endsAt = Closes.AddMonths(5) })))
        {
            await Api.EnsureAsync(moved, HttpStatusCode.OK);
        }

        // December: Berlin is an hour ahead of UTC, not two.
        await Expect(page.Locator(".product [data-role=opens]")).ToHaveTextAsync("15 Dec 2031, 13:00 CET", new() { Timeout = 15_000 });
        await Expect(page.Locator(".product [data-role=closes]")).ToHaveTextAsync("15 Dec 2031, 14:30 CET");
        await Expect(page.Locator(".product [data-role=opens]")).ToHaveAttributeAsync("title", "15 Dec 2031, 12:00 UTC");
    }

    [Fact]
    public async Task MyOrders_ReadInTheBuyersTimeZone_ToTheSecond()
    {
        var saleId = (await fixture.Admin.CreateSaleAsync(stock: 5))["id"]!.GetValue<string>();
        var page = await fixture.NewPageAsync(timeZone: "Asia/Kolkata");
        await Pages.RegisterAsync(page, Pages.NewUsername());
        await page.GotoAsync($"/sales/{saleId}");
        await Pages.BuyButton(page).ClickAsync();
        await Expect(Pages.Flash(page)).ToContainTextAsync("You got it");

        await page.GotoAsync("/orders");
        var bought = page.Locator("td[data-label=Bought] time");
        var at = DateTimeOffset.Parse((await bought.GetAttributeAsync("datetime"))!, CultureInfo.InvariantCulture);
        var kolkata = at.ToOffset(TimeSpan.FromHours(5.5));
        await Expect(bought).ToHaveTextAsync(kolkata.ToString("d MMM yyyy, HH:mm:ss", CultureInfo.InvariantCulture) + " GMT+5:30");
        await Expect(bought).ToHaveAttributeAsync("title", at.UtcDateTime.ToString("d MMM yyyy, HH:mm:ss 'UTC'", CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task TheAdminsPages_ReadInTheAdminsTimeZone_AlsoAfterALiveRead_TheUtcInTheTitle()
    {
        var upcoming = await CreateSaleAsync();
        var sku = (await fixture.Admin.GetJsonAsync($"/api/v1/admin/sales/{upcoming}"))["sku"]!.GetValue<string>();
        var live = (await fixture.Admin.CreateSaleAsync(stock: 5))["id"]!.GetValue<string>();
        var buyers = await fixture.Admin.MintBuyersAsync(2);
        await Api.EnsureAsync(await fixture.Admin.WithToken(buyers[0].Token).PurchaseAsync(live), HttpStatusCode.Created);
        var page = await fixture.NewPageAsync(timeZone: "Asia/Kolkata");
        await Pages.SignInAsync(page, "admin", TestApp.AdminPassword);

        // The dashboard's table and the time of its read. Until 2026-12-07 the admin's pages were in UTC only.
        await page.GotoAsync("/admin?q=" + Uri.EscapeDataString(sku));
        var window = page.Locator($"tr[data-row=\"{upcoming}\"] td[data-label=Window] time");
        await Expect(window.First).ToHaveTextAsync("15 Jul 2031, 17:30 GMT+5:30");
        await Expect(window.Last).ToHaveTextAsync("15 Jul 2031, 19:00 GMT+5:30");
        await Expect(window.First).ToHaveAttributeAsync("title", "15 Jul 2031, 12:00 UTC");
        await ExpectClockInKolkataAsync(page.Locator("[data-role=recorded]"));

        await page.GotoAsync($"/admin/sales/{upcoming}");
        await Expect(page.Locator("[data-term=opens] time")).ToHaveTextAsync("15 Jul 2031, 17:30 GMT+5:30");
        await Expect(page.Locator("[data-term=closes] time")).ToHaveTextAsync("15 Jul 2031, 19:00 GMT+5:30");

        // The orders, and the parts the page reads again once units move: drawn in UTC by the server, shown in the zone.
        await page.GotoAsync($"/admin/sales/{live}");
        var bought = page.Locator("td[data-label=Bought] time");
        await Expect(bought).ToHaveCountAsync(1);
        await ExpectInKolkataAsync(bought.First);
        await Api.EnsureAsync(await fixture.Admin.WithToken(buyers[1].Token).PurchaseAsync(live), HttpStatusCode.Created);
        await Expect(bought).ToHaveCountAsync(2, new() { Timeout = 20_000 });
        await ExpectInKolkataAsync(bought.First);
        await ExpectInKolkataAsync(bought.Last);
        await ExpectClockInKolkataAsync(page.Locator("[data-role=recorded]"));
    }

    [Fact]
    public async Task WithoutScript_TheAdminsPagesReadInUtc()
    {
        var saleId = await CreateSaleAsync();
        var page = await fixture.NewPageAsync(javaScript: false, timeZone: "Asia/Kolkata");
        await Pages.SignInAsync(page, "admin", TestApp.AdminPassword);
        await page.GotoAsync($"/admin/sales/{saleId}");

        await Expect(page.Locator("[data-term=opens] time")).ToHaveTextAsync("15 Jul 2031, 12:00 UTC");
        await Expect(page.Locator("[data-role=recorded]")).ToHaveTextAsync(new Regex("^\\d\\d:\\d\\d:\\d\\d UTC$"));
    }

    /// <summary>An order's time, to the second, in Kolkata (no daylight saving: always 5:30 ahead), the UTC in its title.</summary>
    private static async Task ExpectInKolkataAsync(ILocator time)
    {
        var at = DateTimeOffset.Parse((await time.GetAttributeAsync("datetime"))!, CultureInfo.InvariantCulture);
        await Expect(time).ToHaveTextAsync(at.ToOffset(Kolkata).ToString("d MMM yyyy, HH:mm:ss", CultureInfo.InvariantCulture) + " GMT+5:30");
        await Expect(time).ToHaveAttributeAsync("title", at.UtcDateTime.ToString("d MMM yyyy, HH:mm:ss 'UTC'", CultureInfo.InvariantCulture));
    }

    /// <summary>The time of a read, "HH:mm:ss" in Kolkata: its time and text taken at once (a live read may change both).</summary>
    private static async Task ExpectClockInKolkataAsync(ILocator time)
    {
        var drawn = await time.EvaluateAsync<string[]>("t => [t.getAttribute('datetime'), t.textContent]");
        var at = DateTimeOffset.Parse(drawn[0], CultureInfo.InvariantCulture);
        Assert.Equal(at.ToOffset(Kolkata).ToString("HH:mm:ss", CultureInfo.InvariantCulture) + " GMT+5:30", drawn[1]);
    }

    private static readonly TimeSpan Kolkata = TimeSpan.FromHours(5.5);

    private async Task<string> CreateSaleAsync() =>
        (await fixture.Admin.CreateSaleAsync(stock: 5, startsAt: Opens, endsAt: Closes))["id"]!.GetValue<string>();
}
