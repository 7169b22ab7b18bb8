using System.Net;
using static Microsoft.Playwright.Assertions;

namespace FlashSale.BrowserTests;

/// <summary>The shop as a person sees it, on a laptop and on a phone (PNGs when FLASHSALE_SCREENSHOTS is set).</summary>
[Collection(BrowserCollection.Name)]
public sealed class ScreenshotTests(BrowserFixture fixture) : IAsyncLifetime
{
    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => fixture.CloseContextsAsync();

    [Fact]
    public async Task DemoShop_RendersEverySale_OnALaptopAndOnAPhone()
    {
        var sales = (await fixture.Admin.GetJsonAsync("/api/v1/sales"))["items"]!.AsArray();
        var iphone = sales.First(s => s!["sku"]!.GetValue<string>() == "IPHONE-15-PRO")!["id"]!.GetValue<string>();
        // Some units sold, so the stock bar shows something.
        foreach (var buyer in await fixture.Admin.MintBuyersAsync(3))
        {
            using var response = await fixture.Admin.WithToken(buyer.Token).PurchaseAsync(iphone);
            Assert.True(response.StatusCode is HttpStatusCode.Created or HttpStatusCode.Conflict);
        }

        var page = await fixture.NewPageAsync();
        await page.GotoAsync("/");
        foreach (var name in new[] { "iPhone 15 Pro", "MacBook Pro M3", "AirPods Pro", "iPad Air" })
        {
            await Expect(page.Locator(".card", new() { HasText = name }).First).ToBeVisibleAsync();
        }

        await Expect(page.Locator(".card img").First).ToHaveJSPropertyAsync("complete", true);
        await Pages.ScreenshotAsync(page, "shop-home");

        await Pages.RegisterAsync(page, Pages.NewUsername());
        await page.GotoAsync($"/sales/{iphone}");
        await Expect(Pages.BuyButton(page)).ToBeEnabledAsync();
        await Pages.ScreenshotAsync(page, "product");

        var phone = await fixture.NewPageAsync(width: 390, height: 844);
        await phone.GotoAsync($"/sales/{iphone}");
        var scrollWidth = await phone.EvaluateAsync<int>("document.documentElement.scrollWidth");
        Assert.True(scrollWidth <= 390, $"the page scrolls sideways on a phone ({scrollWidth}px)");
        await Pages.ScreenshotAsync(phone, "product-phone");
    }
}
