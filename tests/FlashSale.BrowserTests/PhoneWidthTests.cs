using System.Net;
using System.Net.Http.Json;
using FlashSale.Tests.Infrastructure;
using Microsoft.Playwright;

namespace FlashSale.BrowserTests;

/// <summary>Every page fits a phone's width (375 px) whatever the admin named the product: no sideways scrolling.</summary>
[Collection(BrowserCollection.Name)]
public sealed class PhoneWidthTests(BrowserFixture fixture) : IAsyncLifetime
{
    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => fixture.CloseContextsAsync();

    [Fact]
    public async Task ALongProductName_NeverWidensAPageBeyondAPhonesWidth()
    {
        // A word longer than a phone's line (a compound, a model code): it overflowed the heading, the card and the
        // tables' stacked rows, and the whole page scrolled sideways (505 px of 375 on the sale page).
        var saleId = (await fixture.Admin.CreateSaleAsync(stock: 5))["id"]!.GetValue<string>();
        using (var named = await fixture.Admin.SendAsync(HttpMethod.Patch, $"/api/v1/admin/sales/{saleId}",
            JsonContent.Create(new { productName = "Donaudampfschifffahrtsgesellschaftskapitänsmütze XL" })))
        {
            await Api.EnsureAsync(named, HttpStatusCode.OK);
        }

        var buyer = await fixture.NewPageAsync(width: 375, height: 800);
        await Pages.RegisterAsync(buyer, Pages.NewUsername());
        await buyer.GotoAsync($"/sales/{saleId}");
        await Pages.BuyButton(buyer).ClickAsync();
        await Assertions.Expect(Pages.Flash(buyer)).ToContainTextAsync("You got it");
        var admin = await fixture.NewPageAsync(width: 375, height: 800);
        await Pages.SignInAsync(admin, "admin", TestApp.AdminPassword);

        var wide = new List<string>();
        foreach (var (page, path) in new[]
        {
            (buyer, "/"), (buyer, $"/sales/{saleId}"), (buyer, "/orders"),
            (admin, "/admin"), (admin, $"/admin/sales/{saleId}"), (admin, $"/admin/sales/{saleId}/end"),
        })
        {
            await page.GotoAsync(path);
            var width = await page.EvaluateAsync<int>("document.documentElement.scrollWidth");
            if (width > 375)
            {
                wide.Add($"{path}: {width} px");
            }
        }

        Assert.True(wide.Count == 0, "wider than the phone: " + string.Join(", ", wide));
    }
}
