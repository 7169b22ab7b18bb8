using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using FlashSale.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace FlashSale.BrowserTests;

/// <summary>Edit, end, delete and cancel from the dashboard: the admin API's rules, as form posts with clear refusals; end, delete and cancel confirmed on a page first.</summary>
[Collection(BrowserCollection.Name)]
public sealed class AdminActionTests(BrowserFixture fixture) : IAsyncLifetime
{
    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => fixture.CloseContextsAsync();

    private static DateTimeOffset Now => DateTimeOffset.UtcNow;

    [Fact]
    public async Task Admin_EditsAnUpcomingSalesStock_AndTheLedgerFollows()
    {
        var saleId = await CreateSaleAsync(stock: 10, startsAt: Now.AddHours(1));
        var page = await AdminPageAsync();

        await page.GotoAsync($"/admin/sales/{saleId}/edit");
        await page.GetByLabel("Stock", new() { Exact = true }).FillAsync("25");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save changes" }).ClickAsync();

        await Expect(page).ToHaveURLAsync(new Regex($"/admin/sales/{saleId}$"));
        await Expect(Pages.Flash(page)).ToContainTextAsync("Changes saved");
        await Expect(page.Locator("[data-kpi=units]")).ToHaveTextAsync("0 / 25");
        var stock = await fixture.Admin.StockAsync(saleId);
        Assert.Equal(25, stock["totalStock"]!.GetValue<int>());
        Assert.Equal(25, stock["remainingStock"]!.GetValue<int>());
    }

    [Fact]
    public async Task Admin_ChangesTheStock_OfASaleThatStartsWhileTheFormIsOpen_SeesWhyNothingChanged()
    {
        // Drawn while upcoming, the stock can be typed; saved once the sale has started, it is refused. The start is moved
        // to a second from now only once the form is filled, however long the page took to load.
        var saleId = await CreateSaleAsync(stock: 10, startsAt: Now.AddHours(1));
        var page = await AdminPageAsync();

        await page.GotoAsync($"/admin/sales/{saleId}/edit");
        var stockField = page.GetByLabel("Stock", new() { Exact = true });
        await stockField.FillAsync("50");
        var startsAt = Now.AddSeconds(1);
        using (var moved = await fixture.Admin.SendAsync(HttpMethod.Patch, $"/api/v1/admin/sales/{saleId}",
            JsonContent.Create(new { startsAt })))
        {
            await Api.EnsureAsync(moved, HttpStatusCode.OK);
        }

        var untilStarted = startsAt - Now + TimeSpan.FromMilliseconds(500);
        if (untilStarted > TimeSpan.Zero)
        {
            await Task.Delay(untilStarted);
        }

        var response = await page.RunAndWaitForResponseAsync(
            () => page.GetByRole(AriaRole.Button, new() { Name = "Save changes" }).ClickAsync(),
            r => r.Url.EndsWith("/edit", StringComparison.Ordinal) && r.Request.Method == "POST");

        Assert.Equal(409, response.Status);
        // The start moved since the form was drawn: the form is stale, and nothing is saved (SaleFormVersion); until
        // 2026-12-07 the save went ahead and was refused as the sale had started.
        await Expect(Pages.Flash(page)).ToContainTextAsync("This sale was changed since you opened this form");
        Assert.Equal(10, (await fixture.Admin.StockAsync(saleId))["totalStock"]!.GetValue<int>());
        // Drawn again: the stock as the sale has it, read-only, and why (SaleEditState).
        await Expect(stockField).ToHaveValueAsync("10");
        await Expect(stockField).ToHaveAttributeAsync("readonly", "");
        await Expect(page.Locator("#edit-note")).ToContainTextAsync("The sale has started: its stock, limit and window are fixed.");
    }

    [Fact]
    public async Task Admin_EndsASaleEarly_AndBuyersAreTurnedAway()
    {
        var saleId = await CreateSaleAsync(stock: 10);
        var page = await AdminPageAsync();

        await page.GotoAsync($"/admin/sales/{saleId}");
        await page.GetByRole(AriaRole.Link, new() { Name = "End now" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { NameRegex = new Regex("^End .*\\?$") })).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "End this sale now" }).ClickAsync();

        await Expect(page).ToHaveURLAsync(new Regex("/admin$"));
        await Expect(Pages.Flash(page)).ToContainTextAsync("Sale “Test product” (TEST-");
        await Expect(Pages.Flash(page)).ToContainTextAsync("ended: nobody can buy it any more.");
        Assert.Equal("ended", (await fixture.Admin.StockAsync(saleId))["status"]!.GetValue<string>());
        var buyer = (await fixture.Admin.MintBuyersAsync(1))[0];
        using var purchase = await fixture.Admin.WithToken(buyer.Token).PurchaseAsync(saleId);
        Assert.Equal(HttpStatusCode.Conflict, purchase.StatusCode);
        Assert.Equal("sale_ended", await Api.ReasonAsync(purchase));
    }

    [Fact]
    public async Task Admin_ClicksEndOnTheDashboard_IsAskedToConfirm_AndTheSaleTradesUntilThen()
    {
        var saleId = await CreateSaleAsync(stock: 10);
        var page = await AdminPageAsync();

        await page.GotoAsync("/admin");
        var row = page.Locator("tr", new() { Has = page.Locator($"a[href='/admin/sales/{saleId}']") });
        await row.GetByRole(AriaRole.Link, new() { NameRegex = new Regex("^End now") }).ClickAsync();

        await Expect(page).ToHaveURLAsync(new Regex($"/admin/sales/{saleId}/end$"));
        await Expect(page.GetByRole(AriaRole.Heading, new() { NameRegex = new Regex("^End .*\\?$") })).ToBeVisibleAsync();
        Assert.Equal("active", (await fixture.Admin.StockAsync(saleId))["status"]!.GetValue<string>());

        await page.GetByRole(AriaRole.Link, new() { Name = "Keep it" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex($"/admin/sales/{saleId}$"));
        Assert.Equal("active", (await fixture.Admin.StockAsync(saleId))["status"]!.GetValue<string>());

        await page.GotoAsync("/admin");
        await row.GetByRole(AriaRole.Link, new() { NameRegex = new Regex("^End now") }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "End this sale now" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/admin$"));
        Assert.Equal("ended", (await fixture.Admin.StockAsync(saleId))["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Admin_DeletesASaleWithoutOrders()
    {
        var saleId = await CreateSaleAsync(stock: 10, startsAt: Now.AddHours(1));
        var page = await AdminPageAsync();

        await page.GotoAsync($"/admin/sales/{saleId}");
        await page.GetByRole(AriaRole.Link, new() { Name = "Delete" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { NameRegex = new Regex("^Delete .*\\?$") })).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Delete this sale" }).ClickAsync();

        await Expect(page).ToHaveURLAsync(new Regex("/admin$"));
        await Expect(Pages.Flash(page)).ToContainTextAsync("Sale “Test product” (TEST-");
        await Expect(Pages.Flash(page)).ToContainTextAsync(") deleted.");
        using var gone = await fixture.Admin.GetAsync($"/api/v1/sales/{saleId}");
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }

    [Fact]
    public async Task Admin_DeletesASaleThatGotAnOrderMeanwhile_SeesTheRefusal_AndTheSaleStays()
    {
        var saleId = await CreateSaleAsync(stock: 10);
        var page = await AdminPageAsync();
        await page.GotoAsync($"/admin/sales/{saleId}/delete");

        // The confirm page was drawn before the first order: its Delete button is stale.
        var buyer = (await fixture.Admin.MintBuyersAsync(1))[0];
        using (var purchase = await fixture.Admin.WithToken(buyer.Token).PurchaseAsync(saleId))
        {
            await Api.EnsureAsync(purchase, HttpStatusCode.Created);
        }

        var response = await page.RunAndWaitForResponseAsync(
            () => page.GetByRole(AriaRole.Button, new() { Name = "Delete this sale" }).ClickAsync(),
            r => r.Url.EndsWith("/delete", StringComparison.Ordinal));

        Assert.Equal(409, response.Status);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Nothing changed" })).ToBeVisibleAsync();
        await Expect(page.Locator("main")).ToContainTextAsync("A sale with orders cannot be deleted; end it instead.");
        await Expect(page.Locator("[data-role=reason]")).ToHaveTextAsync("sale_has_orders");
        Assert.Equal(1, (await fixture.Admin.StockAsync(saleId))["sold"]!.GetValue<int>());
    }

    [Fact]
    public async Task Admin_CancelsAnOrder_AndTheStockReturns()
    {
        var saleId = await CreateSaleAsync(stock: 2);
        var buyer = (await fixture.Admin.MintBuyersAsync(1))[0];
        using (var purchase = await fixture.Admin.WithToken(buyer.Token).PurchaseAsync(saleId))
        {
            await Api.EnsureAsync(purchase, HttpStatusCode.Created);
        }

        var page = await AdminPageAsync();
        await page.GotoAsync($"/admin/sales/{saleId}");
        await Expect(page.Locator("[data-kpi=units]")).ToHaveTextAsync("1 / 2");
        await page.GetByRole(AriaRole.Link, new() { Name = "Cancel order" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { NameRegex = new Regex("^Cancel .*order\\?$") })).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Cancel this order" }).ClickAsync();

        await Expect(page).ToHaveURLAsync(new Regex($"/admin/sales/{saleId}$"));
        await Expect(Pages.Flash(page)).ToContainTextAsync("back in stock");
        await Expect(page.Locator("[data-kpi=units]")).ToHaveTextAsync("0 / 2");
        await Expect(page.Locator("table tbody tr").First).ToContainTextAsync("Cancelled");
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Cancel order" })).ToHaveCountAsync(0);
        Assert.Equal(2, (await fixture.Admin.StockAsync(saleId))["remainingStock"]!.GetValue<int>());

        await page.GotoAsync($"/sales/{saleId}");
        await Expect(Pages.Remaining(page)).ToHaveTextAsync("2");
    }

    [Fact]
    public async Task FormPostsWithoutTheAntiforgeryToken_AreRefused_AndNothingChanges()
    {
        var saleId = await CreateSaleAsync(stock: 10, startsAt: Now.AddHours(1));
        var page = await AdminPageAsync();

        foreach (var action in new[] { "end", "delete" })
        {
            var response = await page.APIRequest.PostAsync($"/admin/sales/{saleId}/{action}");
            Assert.Equal(400, response.Status);
        }

        Assert.Equal("upcoming", (await fixture.Admin.StockAsync(saleId))["status"]!.GetValue<string>());
    }

    private async Task<string> CreateSaleAsync(int stock, DateTimeOffset? startsAt = null) =>
        (await fixture.Admin.CreateSaleAsync(stock, startsAt: startsAt, endsAt: (startsAt ?? Now).AddHours(2)))["id"]!.GetValue<string>();

    private async Task<IPage> AdminPageAsync()
    {
        var page = await fixture.NewPageAsync();
        await Pages.SignInAsync(page, "admin", TestApp.AdminPassword);
        return page;
    }
}
