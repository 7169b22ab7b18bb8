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
        // Drawn again as the sale is now (SaleEditState): started, so its limit and start are read-only, and why; its
        // stock can still change until it ends (since 2026-12-07), so it keeps what was typed, and saving again saves it.
        await Expect(page.GetByLabel("Limit per buyer")).ToHaveAttributeAsync("readonly", "");
        await Expect(page.GetByLabel("Starts (UTC)")).ToHaveAttributeAsync("readonly", "");
        await Expect(page.Locator("#edit-note")).ToContainTextAsync("The sale has started: its limit per buyer and start are fixed.");
        await Expect(stockField).ToHaveValueAsync("50");
        await Expect(stockField).Not.ToHaveAttributeAsync("readonly", "");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save changes" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex($"/admin/sales/{saleId}$"));
        Assert.Equal(50, (await fixture.Admin.StockAsync(saleId))["totalStock"]!.GetValue<int>());
    }

    /// <summary>
    /// A sale on sale with orders: more units found, and the demand outlasting the window. The form offers the stock and the
    /// end, and only them (SaleEditState.Sold); the other fields are posted as drawn and change nothing. Until 2026-12-07
    /// such a sale's form had every field read-only and no save button.
    /// </summary>
    [Fact]
    public async Task Admin_RaisesTheStock_AndMovesTheEnd_OfASaleWithOrders()
    {
        var (saleId, page) = await EditFormOfASaleOnSaleAsync(stock: 3, sold: 2);
        await Expect(page.Locator("#edit-note")).ToContainTextAsync("This sale has orders: only its stock and end can change");
        foreach (var fixedField in new[] { "SKU", "Product name", "Price", "Limit per buyer", "Starts (UTC)" })
        {
            await Expect(page.GetByLabel(fixedField, new() { Exact = true })).ToHaveAttributeAsync("readonly", "");
        }

        var stockField = page.GetByLabel("Stock", new() { Exact = true });
        var endField = page.GetByLabel("Ends (UTC)");
        await Expect(stockField).Not.ToHaveAttributeAsync("readonly", "");
        await Expect(endField).Not.ToHaveAttributeAsync("readonly", "");
        var later = Now.AddHours(5); // to the minute, as the form's field takes it
        var newEnd = new DateTimeOffset(later.Year, later.Month, later.Day, later.Hour, later.Minute, 0, TimeSpan.Zero);
        await stockField.FillAsync("10");
        await endField.FillAsync(newEnd.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm", System.Globalization.CultureInfo.InvariantCulture));
        await page.GetByRole(AriaRole.Button, new() { Name = "Save changes" }).ClickAsync();

        await Expect(page).ToHaveURLAsync(new Regex($"/admin/sales/{saleId}$"));
        await Expect(Pages.Flash(page)).ToContainTextAsync("Changes saved");
        await Expect(page.Locator("[data-kpi=units]")).ToHaveTextAsync("2 / 10");
        await Expect(page.Locator("[data-term=closes]")).ToHaveTextAsync(
            newEnd.UtcDateTime.ToString("d MMM yyyy, HH:mm 'UTC'", System.Globalization.CultureInfo.InvariantCulture));
        var sale = await fixture.Admin.GetJsonAsync($"/api/v1/admin/sales/{saleId}");
        Assert.Equal(10, sale["totalStock"]!.GetValue<int>());
        Assert.Equal(newEnd, sale["endsAt"]!.GetValue<DateTimeOffset>());
        Assert.Equal(8, (await fixture.Admin.StockAsync(saleId))["remainingStock"]!.GetValue<int>());

        // The shop's page of the sale shows the new stock and end too.
        await page.GotoAsync($"/sales/{saleId}");
        await Expect(page.Locator(".product [data-role=left]")).ToHaveTextAsync("8 of 10 left");
        await Expect(page.Locator(".product [data-role=closes]")).ToHaveTextAsync(
            newEnd.UtcDateTime.ToString("d MMM yyyy, HH:mm 'UTC'", System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// The stock of a sale on sale lowered below its units sold: refused (409 stock_below_sold), said with how many are sold
    /// and under the stock field, and the sale keeps its stock; lowered to exactly the units sold, it is saved (sold out).
    /// </summary>
    [Fact]
    public async Task Admin_LowersTheStockBelowTheUnitsSold_SeesHowManyAreSold_AndTheSaleKeepsItsStock()
    {
        var (saleId, page) = await EditFormOfASaleOnSaleAsync(stock: 5, sold: 3);
        var stockField = page.GetByLabel("Stock", new() { Exact = true });
        await stockField.FillAsync("2");
        var response = await page.RunAndWaitForResponseAsync(
            () => page.GetByRole(AriaRole.Button, new() { Name = "Save changes" }).ClickAsync(),
            r => r.Url.EndsWith("/edit", StringComparison.Ordinal) && r.Request.Method == "POST");

        Assert.Equal(409, response.Status);
        await Expect(Pages.Flash(page)).ToContainTextAsync(
            "The stock cannot go below the units already sold. 3 units are sold or being sold: the stock can go down to 3, no lower.");
        await Expect(stockField).ToHaveAccessibleDescriptionAsync(new Regex("^Stock cannot be below the 3 units sold or being sold[.]"));
        await Expect(stockField).ToBeFocusedAsync();
        var stock = await fixture.Admin.StockAsync(saleId);
        Assert.Equal(5, stock["totalStock"]!.GetValue<int>());
        Assert.Equal(2, stock["remainingStock"]!.GetValue<int>());

        await stockField.FillAsync("3");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save changes" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex($"/admin/sales/{saleId}$"));
        await Expect(page.Locator("[data-kpi=units]")).ToHaveTextAsync("3 / 3");
        Assert.Equal("sold_out", (await fixture.Admin.StockAsync(saleId))["status"]!.GetValue<string>());
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

    /// <summary>
    /// A sold-out sale's page offers "Add units": the units typed are added to the stock the page shows, the figures follow,
    /// and the shop's page of the sale can be bought again.
    /// </summary>
    [Fact]
    public async Task Admin_AddsUnitsToASoldOutSale_AndTheShopSellsThem()
    {
        var (saleId, page) = await EditFormOfASaleOnSaleAsync(stock: 2, sold: 2);
        await page.GotoAsync($"/admin/sales/{saleId}");
        await Expect(page.Locator("[data-kpi=units]")).ToHaveTextAsync("2 / 2");

        await page.GetByLabel("Add units").FillAsync("5");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add to the stock" }).ClickAsync();

        await Expect(page).ToHaveURLAsync(new Regex($"/admin/sales/{saleId}$"));
        await Expect(Pages.Flash(page)).ToContainTextAsync("Units added");
        await Expect(page.Locator("[data-kpi=units]")).ToHaveTextAsync("2 / 7");
        Assert.Equal(5, (await fixture.Admin.StockAsync(saleId))["remainingStock"]!.GetValue<int>());
        await page.GotoAsync($"/sales/{saleId}");
        await Expect(page.Locator(".product [data-role=left]")).ToHaveTextAsync("5 of 7 left");
    }

    /// <summary>A sale on sale with <paramref name="sold"/> units sold (one to a buyer), its edit form open.</summary>
    private async Task<(string SaleId, IPage Page)> EditFormOfASaleOnSaleAsync(int stock, int sold)
    {
        var saleId = await CreateSaleAsync(stock);
        foreach (var buyer in await fixture.Admin.MintBuyersAsync(sold))
        {
            await fixture.Admin.WithToken(buyer.Token).BoughtAsync(saleId);
        }

        var page = await AdminPageAsync();
        await page.GotoAsync($"/admin/sales/{saleId}/edit");
        return (saleId, page);
    }

    private async Task<IPage> AdminPageAsync()
    {
        var page = await fixture.NewPageAsync();
        await Pages.SignInAsync(page, "admin", TestApp.AdminPassword);
        return page;
    }
}
