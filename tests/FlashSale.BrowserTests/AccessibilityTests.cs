using Deque.AxeCore.Playwright;
using FlashSale.Tests.Infrastructure;
using Microsoft.Playwright;

namespace FlashSale.BrowserTests;

/// <summary>axe-core on every page, anonymous, as a buyer and as the admin: no serious or critical violation.</summary>
[Collection(BrowserCollection.Name)]
public sealed class AccessibilityTests(BrowserFixture fixture) : IAsyncLifetime
{
    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => fixture.CloseContextsAsync();

    [Fact]
    public async Task EveryPage_HasNoSeriousOrCriticalAxeViolations()
    {
        var saleId = (await fixture.Admin.CreateSaleAsync(stock: 5))["id"]!.GetValue<string>();
        // An ended sale, so the front page's "Recently ended" section is scanned too.
        await fixture.Admin.CreateSaleAsync(stock: 5, startsAt: DateTimeOffset.UtcNow.AddHours(-2), endsAt: DateTimeOffset.UtcNow.AddHours(-1));
        var buyer = (await fixture.Admin.MintBuyersAsync(1))[0];
        using (var bought = await fixture.Admin.WithToken(buyer.Token).PurchaseAsync(saleId))
        {
            Assert.True(bought.IsSuccessStatusCode);
        }

        var failures = new List<string>();
        var anonymous = await fixture.NewPageAsync();
        await ScanAsync(anonymous, failures, "/", $"/sales/{saleId}", "/login", "/register");
        // The error pages too (HtmlProblemWriter): an unknown address and an unknown sale, in the site's frame.
        await ScanAsync(anonymous, failures, "/no-such-page", $"/sales/{Guid.NewGuid():D}");
        await Microsoft.Playwright.Assertions.Expect(anonymous.GetByRole(AriaRole.Heading, new() { Name = "No sale has this id." })).ToBeVisibleAsync();

        var shopper = await fixture.NewPageAsync(width: 390, height: 844);
        await Pages.RegisterAsync(shopper, Pages.NewUsername());
        await ScanAsync(shopper, failures, "/", $"/sales/{saleId}", "/orders");
        await shopper.GotoAsync($"/sales/{saleId}");
        await Pages.BuyButton(shopper).ClickAsync();
        await Microsoft.Playwright.Assertions.Expect(Pages.Flash(shopper)).ToContainTextAsync("You got it");
        await ScanAsync(shopper, failures, $"/sales/{saleId}?m=bought", "/orders");

        var admin = await fixture.NewPageAsync();
        await Pages.SignInAsync(admin, "admin", TestApp.AdminPassword);
        await ScanAsync(admin, failures, "/admin", $"/admin/sales/{saleId}", "/admin/sales/new", $"/admin/sales/{saleId}/edit",
            "/admin/buyers", "/admin/buyers?username=admin", "/admin/ledger");

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    private static async Task ScanAsync(IPage page, List<string> failures, params string[] paths)
    {
        foreach (var path in paths)
        {
            if (page.Url.EndsWith(path, StringComparison.Ordinal) is false)
            {
                await page.GotoAsync(path);
            }

            var result = await page.RunAxe();
            foreach (var violation in result.Violations.Where(v => v.Impact is "serious" or "critical"))
            {
                failures.Add($"{path}: {violation.Impact} {violation.Id}: {violation.Help} " +
                    string.Join(" | ", violation.Nodes.Take(3).Select(n => n.Html)));
            }
        }
    }
}
