using System.Net;
using System.Text.RegularExpressions;
using FlashSale.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace FlashSale.BrowserTests;

[Collection(BrowserCollection.Name)]
public sealed class AdminTests(BrowserFixture fixture) : IAsyncLifetime
{
    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => fixture.CloseContextsAsync();

    [Fact]
    public async Task Admin_SignsIn_CreatesASale_SeesItInTheShop_AndStatsAndChartsAfterPurchases()
    {
        var page = await fixture.NewPageAsync();
        await Pages.SignInAsync(page, "admin", TestApp.AdminPassword);
        await Expect(page).ToHaveURLAsync(new Regex("/admin$"));

        var name = "Browser Widget " + Guid.NewGuid().ToString("N")[..6];
        var now = DateTimeOffset.UtcNow;
        await page.GetByRole(AriaRole.Link, new() { Name = "New sale" }).ClickAsync();
        await page.GetByLabel("SKU").FillAsync("WIDGET-" + Guid.NewGuid().ToString("N")[..8]);
        await page.GetByLabel("Product name").FillAsync(name);
        await page.GetByLabel("Description").FillAsync("A widget made in the browser test.");
        await page.GetByLabel("Price").FillAsync("25.50");
        await page.GetByLabel("Stock", new() { Exact = true }).FillAsync("10");
        await page.GetByLabel("Starts (UTC)").FillAsync(now.AddMinutes(-2).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm", System.Globalization.CultureInfo.InvariantCulture));
        await page.GetByLabel("Ends (UTC)").FillAsync(now.AddDays(1).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm", System.Globalization.CultureInfo.InvariantCulture));
        await page.GetByRole(AriaRole.Button, new() { Name = "Create sale" }).ClickAsync();
        await Expect(Pages.Flash(page)).ToContainTextAsync("Sale created");
        var saleId = new Regex("/admin/sales/([0-9a-f-]{36})").Match(page.Url).Groups[1].Value;
        Assert.NotEmpty(saleId);

        await page.GotoAsync("/");
        await Expect(page.Locator(".card", new() { HasText = name })).ToBeVisibleAsync();

        foreach (var buyer in await fixture.Admin.MintBuyersAsync(3))
        {
            using var response = await fixture.Admin.WithToken(buyer.Token).PurchaseAsync(saleId);
            await Api.EnsureAsync(response, HttpStatusCode.Created);
        }

        await page.GotoAsync("/admin");
        var units = int.Parse(await page.Locator("[data-kpi=units]").InnerTextAsync(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(units >= 3, $"units {units}");
        await Expect(page.Locator("#revenue-chart rect.bar").First).ToBeVisibleAsync();
        // One list of top products per currency: the sale's is the one with its name.
        await Expect(page.Locator("ol.top", new() { HasText = name })).ToBeVisibleAsync();
        await Expect(page.Locator("table", new() { HasText = name })).ToBeVisibleAsync();
        await Pages.ScreenshotAsync(page, "admin-dashboard");

        await page.GetByRole(AriaRole.Link, new() { Name = name }).First.ClickAsync();
        await Expect(page.Locator("#sellout-chart path.line")).ToBeVisibleAsync();
        await Expect(page.Locator("ol.leaders li")).ToHaveCountAsync(3);
        await Expect(page.Locator("table tbody tr")).ToHaveCountAsync(3);
        await Pages.ScreenshotAsync(page, "admin-sale");

        var export = await page.GetByRole(AriaRole.Link, new() { Name = "Export CSV" }).GetAttributeAsync("href");
        var csv = await page.APIRequest.GetAsync(export!);
        Assert.Equal(200, csv.Status);
        Assert.Equal(4, (await csv.TextAsync()).Trim().Split('\n').Length);
    }

    [Fact]
    public async Task Buyer_CannotOpenTheDashboard()
    {
        var page = await fixture.NewPageAsync();
        await Pages.RegisterAsync(page, Pages.NewUsername());
        await page.GotoAsync("/admin");
        await Expect(page).ToHaveURLAsync(new Regex("/login"));
    }
}
