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

        // A price written with a decimal comma comes back as typed, with what is wrong with it (a number field sent it
        // empty: "Price is required" under an empty field, until 2026-12-07).
        await page.GetByLabel("SKU").FillAsync("WIDGET-" + Guid.NewGuid().ToString("N")[..8]);
        await page.GetByLabel("Product name").FillAsync(name);
        await page.GetByLabel("Price").FillAsync("25,50");
        await page.GetByLabel("Stock", new() { Exact = true }).FillAsync("10");
        await page.GetByLabel("Starts (UTC)").FillAsync(now.AddMinutes(-2).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm", System.Globalization.CultureInfo.InvariantCulture));
        await page.GetByLabel("Ends (UTC)").FillAsync(now.AddDays(1).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm", System.Globalization.CultureInfo.InvariantCulture));
        await page.GetByRole(AriaRole.Button, new() { Name = "Create sale" }).ClickAsync();
        await Expect(page.GetByLabel("Price")).ToHaveValueAsync("25,50");
        await Expect(page.Locator("#e-price")).ToContainTextAsync("must be a number such as 19.99.");

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
        await Expect(page.Locator("ol.top-products", new() { HasText = name })).ToBeVisibleAsync();
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

    /// <summary>
    /// The dashboard's top products are a numbered list, its items left-aligned under one another, on a desktop and a
    /// phone. Until 2026-12-07 the header's ".top" rule matched the list (then <c>ol.top</c>) and made it a centred,
    /// wrapping flex box, and its items flex boxes: no rank numbers, rows at uneven indents.
    /// </summary>
    [Theory]
    [InlineData(1280, 800)]
    [InlineData(390, 844)]
    public async Task TopProducts_ShowTheirRankNumbers_LeftAligned(int width, int height)
    {
        foreach (var stock in new[] { 3, 4 })
        {
            var saleId = (await fixture.Admin.CreateSaleAsync(stock))["id"]!.GetValue<string>();
            using var bought = await fixture.Admin.WithToken((await fixture.Admin.MintBuyersAsync(1))[0].Token).PurchaseAsync(saleId);
            await Api.EnsureAsync(bought, HttpStatusCode.Created);
        }

        var page = await fixture.NewPageAsync(width: width, height: height);
        await Pages.SignInAsync(page, "admin", TestApp.AdminPassword);
        await page.GotoAsync("/admin");
        var list = page.Locator("ol.top-products[data-currency=USD]");
        await Expect(list.Locator("li").Nth(1)).ToBeVisibleAsync();

        var look = await list.EvaluateAsync<string>("""
            ol => {
              const items = [...ol.children];
              const lefts = new Set(items.map(li => Math.round(li.getBoundingClientRect().left)));
              return [getComputedStyle(ol).display, getComputedStyle(ol).listStyleType,
                [...new Set(items.map(li => getComputedStyle(li).display))].join(","), lefts.size].join("|");
            }
            """);

        Assert.Equal("block|decimal|list-item|1", look);
    }

    [Theory]
    [InlineData("999.99", "CHF", "0 CHF|200 CHF|400 CHF|600 CHF|800 CHF|1k CHF")]
    [InlineData("12345.67", "MWK", "0 MWK|2.5k MWK|5k MWK|7.5k MWK|10k MWK|12.5k MWK")]
    public async Task RevenueChart_AxisLabels_AreNotCutOffAtTheLeft(string price, string currency, string expected)
    {
        // A day's revenue in a currency of its own (one chart, this test's alone). 999.99 CHF had an axis of "749.99 CHF"
        // and "999.99 CHF", right-aligned 8 units from a 72-unit margin: they lost their first digit to the SVG's edge,
        // and the admin read "49.99 CHF" for 749.99. Wide letters did the same to "88.88 MWK". The gridlines are a
        // round step apart since (ChartScaleTests); "12.5k MWK" is as wide as a label gets.
        var saleId = (await fixture.Admin.CreateSaleAsync(stock: 5, price: decimal.Parse(price, System.Globalization.CultureInfo.InvariantCulture),
            currency: currency))["id"]!.GetValue<string>();
        using (var bought = await fixture.Admin.WithToken((await fixture.Admin.MintBuyersAsync(1))[0].Token).PurchaseAsync(saleId))
        {
            await Api.EnsureAsync(bought, HttpStatusCode.Created);
        }

        var page = await fixture.NewPageAsync();
        await Pages.SignInAsync(page, "admin", TestApp.AdminPassword);
        var chart = $"#revenue-chart-{currency.ToLowerInvariant()}";
        await Expect(page.Locator($"{chart} text.axis").First).ToBeVisibleAsync();
        var clipped = await page.EvaluateAsync<string[]>(
            "chart => Array.from(document.querySelectorAll(chart + ' text.axis')).filter(t => t.getBBox().x < 0).map(t => t.textContent)", chart);
        Assert.Empty(clipped);
        var values = await page.EvaluateAsync<string[]>(
            "([chart, code]) => Array.from(document.querySelectorAll(chart + ' text.axis')).map(t => t.textContent).filter(t => t.endsWith(' ' + code))",
            new[] { chart, currency });
        Assert.Equal(expected.Split('|'), values);
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
