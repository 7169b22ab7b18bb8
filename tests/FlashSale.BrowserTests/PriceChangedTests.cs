using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using FlashSale.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace FlashSale.BrowserTests;

/// <summary>
/// A buyer is never charged a price the page did not show: the buy form sends the price it shows, and a sale repriced
/// while the page was open (its product may change until the first order) is refused, the new price shown, nothing bought;
/// the next press buys at it. Until 2026-12-07 the page said 100.00 USD and the order was at 180.00 USD.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class PriceChangedTests(BrowserFixture fixture) : IAsyncLifetime
{
    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => fixture.CloseContextsAsync();

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ARepricedSale_IsNotBoughtAtThePriceThePageDidNotShow_ThenBoughtAtTheOneItShowsNow(bool javaScript)
    {
        var saleId = (await fixture.Admin.CreateSaleAsync(stock: 5, perUserLimit: 2, price: 100m))["id"]!.GetValue<string>();
        var page = await fixture.NewPageAsync(javaScript: javaScript);
        await Pages.RegisterAsync(page, Pages.NewUsername());
        await page.GotoAsync($"/sales/{saleId}");
        var price = page.Locator(".product [data-role=price]");
        await Expect(price).ToHaveTextAsync("100.00 USD");

        using (var repriced = await fixture.Admin.SendAsync(HttpMethod.Patch, $"/api/v1/admin/sales/{saleId}", JsonContent.Create(new { price = 180m })))
        {
            await Api.EnsureAsync(repriced, HttpStatusCode.OK);
        }

        await Pages.BuyButton(page).ClickAsync();
        await Expect(Pages.Flash(page)).ToContainTextAsync("The price changed since this page was shown, so nothing was bought.");
        await Expect(price).ToHaveTextAsync("180.00 USD");
        Assert.Empty(await fixture.Admin.AllOrdersAsync(saleId));

        await Pages.BuyButton(page).ClickAsync();
        await Expect(Pages.Flash(page)).ToContainTextAsync("You got it");
        var orders = await fixture.Admin.AllOrdersAsync(saleId);
        Assert.Equal(180m, Assert.Single(orders)["unitPrice"]!.GetValue<decimal>());
        if (!javaScript)
        {
            await Expect(page).ToHaveURLAsync(new Regex("m=bought"));
        }
    }
}
