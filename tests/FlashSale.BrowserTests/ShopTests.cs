using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using FlashSale.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace FlashSale.BrowserTests;

[Collection(BrowserCollection.Name)]
public sealed partial class ShopTests(BrowserFixture fixture) : IAsyncLifetime
{
    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => fixture.CloseContextsAsync();

    [Fact]
    public async Task Buyer_Registers_SeesCountdownAndStock_Buys_AndFindsTheOrderInMyOrders()
    {
        var saleId = (await fixture.Admin.CreateSaleAsync(stock: 3))["id"]!.GetValue<string>();
        var page = await fixture.NewPageAsync();
        await Pages.RegisterAsync(page, Pages.NewUsername());

        await page.GotoAsync($"/sales/{saleId}");
        await Expect(page.Locator(".product [data-role=countdown]")).ToHaveTextAsync(EndsIn());
        await Expect(Pages.Remaining(page)).ToHaveTextAsync("3");
        await Expect(Pages.Status(page)).ToHaveTextAsync("On sale");

        await Pages.BuyButton(page).ClickAsync();
        await Expect(Pages.Flash(page)).ToContainTextAsync("You got it");
        await Expect(Pages.Remaining(page)).ToHaveTextAsync("2");
        await Expect(Pages.BuyButton(page)).ToBeDisabledAsync();
        await Expect(Pages.BuyButton(page)).ToHaveTextAsync("Limit reached");

        // The answer itself links to the orders (the header has the same link).
        await Pages.Flash(page).GetByRole(AriaRole.Link, new() { Name = "My orders" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/orders$"));
        var rows = page.Locator("table tbody tr");
        await Expect(rows).ToHaveCountAsync(1);
        await Expect(rows.First).ToContainTextAsync("Test product");
        await Expect(rows.First).ToContainTextAsync("Confirmed");
    }

    [Fact]
    public async Task AnAnswerLostOnTheWay_SaysTheOrderMayHaveGoneThrough_AndPressingAgainIsTheSamePurchase()
    {
        var saleId = (await fixture.Admin.CreateSaleAsync(stock: 3, perUserLimit: 2))["id"]!.GetValue<string>();
        var page = await fixture.NewPageAsync();
        await Pages.RegisterAsync(page, Pages.NewUsername());
        await page.GotoAsync($"/sales/{saleId}");

        // The purchase reaches the server and is bought; its answer never reaches the page. The page said "nothing was
        // bought", and a buyer who believed it and bought on another page got a second unit.
        var pattern = $"**/api/v1/sales/{saleId}/purchases";
        await page.RouteAsync(pattern, async route =>
        {
            await route.FetchAsync();
            await route.AbortAsync();
        }, new() { Times = 1 });
        await Pages.BuyButton(page).ClickAsync();
        await Expect(Pages.Flash(page)).ToContainTextAsync("it may have gone through");
        Assert.Single(await fixture.Admin.AllOrdersAsync(saleId));

        // The kept key's quantity is locked: the same key with another quantity is refused (422), and the page then
        // said "Something went wrong", took a fresh key, and the next press bought a second order.
        var quantity = page.Locator("#quantity");
        await Expect(quantity).Not.ToBeEditableAsync();

        // Sent with another quantity anyway (a stale copy of the page): the 422 proves the first purchase reached the
        // server, so the page says it may have gone through and keeps the key.
        await page.RouteAsync(pattern, route => route.ContinueAsync(new() { PostData = Encoding.UTF8.GetBytes("{\"quantity\":2}") }),
            new() { Times = 1 });
        await Pages.Flash(page).EvaluateAsync("f => f.textContent = ''");
        var refused = await page.RunAndWaitForResponseAsync(() => Pages.BuyButton(page).ClickAsync(), r => r.Url.EndsWith("/purchases", StringComparison.Ordinal));
        Assert.Equal(422, refused.Status);
        await Expect(Pages.Flash(page)).ToContainTextAsync("it may have gone through");
        await Expect(Pages.Flash(page)).Not.ToContainTextAsync("Something went wrong");
        Assert.Single(await fixture.Admin.AllOrdersAsync(saleId));

        // A value forced into the locked field is not sent: pressed again, the page sends the same key and quantity,
        // and the server answers with the first purchase's order.
        await quantity.EvaluateAsync("q => q.value = '2'");
        await Pages.BuyButton(page).ClickAsync();
        await Expect(Pages.Flash(page)).ToContainTextAsync("You got it");
        Assert.Single(await fixture.Admin.AllOrdersAsync(saleId));
        await Expect(quantity).ToBeEditableAsync();
    }

    [Theory]
    [InlineData(502)]
    [InlineData(504)]
    public async Task AProxysErrorPage_AfterThePurchaseWasSent_SaysItMayHaveGoneThrough_AndPressingAgainIsTheSamePurchase(int status)
    {
        var saleId = (await fixture.Admin.CreateSaleAsync(stock: 3, perUserLimit: 2))["id"]!.GetValue<string>();
        var page = await fixture.NewPageAsync();
        await Pages.RegisterAsync(page, Pages.NewUsername());
        await page.GotoAsync($"/sales/{saleId}");

        // The load balancer sent the purchase to an instance, which bought it and then died (502) or was too slow (504):
        // the answer is nginx's own page, not the API's problem. The page read it as the API's 503, "nothing was
        // bought", took a fresh key, and the next press bought a second order.
        await page.RouteAsync($"**/api/v1/sales/{saleId}/purchases", async route =>
        {
            await route.FetchAsync();
            await route.FulfillAsync(new() { Status = status, ContentType = "text/html", Body = $"<html><body><h1>{status}</h1><hr>nginx</body></html>" });
        }, new() { Times = 1 });
        await Pages.BuyButton(page).ClickAsync();
        await Expect(Pages.Flash(page)).ToContainTextAsync("it may have gone through");
        await Expect(Pages.Flash(page)).Not.ToContainTextAsync("nothing was bought");
        Assert.Single(await fixture.Admin.AllOrdersAsync(saleId));

        await Pages.BuyButton(page).ClickAsync();
        await Expect(Pages.Flash(page)).ToContainTextAsync("You got it");
        Assert.Single(await fixture.Admin.AllOrdersAsync(saleId));
    }

    [Fact]
    public async Task APendingOrder_IsToldTakenAndBeingRecorded_NotConfirmed()
    {
        var saleId = (await fixture.Admin.CreateSaleAsync(stock: 3, perUserLimit: 2))["id"]!.GetValue<string>();
        var page = await fixture.NewPageAsync();
        await Pages.RegisterAsync(page, Pages.NewUsername());
        await page.GotoAsync($"/sales/{saleId}");

        // Distributed: the order was decided and kept in Redis, and the record had not written it yet (202 pending). The
        // page said "Your order is confirmed" until 2026-12-06. The real answer's body, with the status a distributed
        // server gives while PostgreSQL is slow.
        await page.RouteAsync($"**/api/v1/sales/{saleId}/purchases", async route =>
        {
            var answer = await route.FetchAsync();
            await route.FulfillAsync(new() { Status = 202, ContentType = "application/json", Body = await answer.TextAsync() });
        }, new() { Times = 1 });
        await Pages.BuyButton(page).ClickAsync();

        await Expect(Pages.Flash(page)).ToContainTextAsync("You got it! Your order is taken and being recorded");
        await Expect(Pages.Flash(page)).Not.ToContainTextAsync("confirmed");
    }

    [Fact]
    public async Task TwoAskedWithOneLeft_SaysNotThatManyLeft_WithTheApisDetail_NotSoldOut()
    {
        var (saleId, page) = await OneLeftAsync();
        await AskTwoAsync(page);

        await Pages.BuyButton(page).ClickAsync();
        await Expect(Pages.Flash(page)).ToContainTextAsync("Not that many units are left");
        await Expect(Pages.Flash(page)).ToContainTextAsync("Only 1 left.");
        await Expect(Pages.Flash(page)).Not.ToContainTextAsync("every unit");
        await Expect(Pages.BuyButton(page)).ToBeEnabledAsync();
    }

    [Fact]
    public async Task TwoAskedWithOneLeft_IsToldFromTheProblemsRemaining_NotFromTheWordingOfItsDetail()
    {
        var (saleId, page) = await OneLeftAsync();
        await AskTwoAsync(page);
        await RewordDetailAsync(page, saleId, "Il en reste une.");

        await Pages.BuyButton(page).ClickAsync();
        await Expect(Pages.Flash(page)).ToContainTextAsync("Not that many units are left");
        await Expect(Pages.Flash(page)).ToContainTextAsync("Il en reste une.");
    }

    [Fact]
    public async Task OverTheLimitAfterBuyingOnAnotherTab_IsToldFromTheProblemsHeldAndLimit_AndTheHeldLineFollows()
    {
        var saleId = (await fixture.Admin.CreateSaleAsync(stock: 10, perUserLimit: 3))["id"]!.GetValue<string>();
        var first = await fixture.NewPageAsync();
        await Pages.RegisterAsync(first, Pages.NewUsername());
        var second = await first.Context.NewPageAsync();
        await first.GotoAsync($"/sales/{saleId}");
        await second.GotoAsync($"/sales/{saleId}");
        await second.Locator("#quantity").FillAsync("2");
        await Pages.BuyButton(second).ClickAsync();
        await Expect(Pages.Flash(second)).ToContainTextAsync("You got it");

        // The first tab still thinks the buyer holds none: two more are refused (409 limit_reached, held 2 of 3). The
        // page tells it from the problem's numbers, whatever its detail says.
        await first.Locator("#quantity").FillAsync("2");
        await RewordDetailAsync(first, saleId, "Vous en avez déjà.");
        await Pages.BuyButton(first).ClickAsync();
        await Expect(Pages.Flash(first)).ToContainTextAsync("over the limit per buyer");
        await Expect(Pages.Flash(first)).ToContainTextAsync("Vous en avez déjà.");
        await Expect(first.Locator("[data-role=held]")).ToHaveTextAsync("You hold 2 of 3.");
        await Expect(Pages.BuyButton(first)).ToBeEnabledAsync();
        Assert.Single(await fixture.Admin.AllOrdersAsync(saleId));
    }

    /// <summary>A sale of 3 with 2 sold to another buyer, and a new buyer's page on it showing 1 left.</summary>
    private async Task<(string SaleId, IPage Page)> OneLeftAsync()
    {
        var saleId = (await fixture.Admin.CreateSaleAsync(stock: 3, perUserLimit: 3))["id"]!.GetValue<string>();
        var other = (await fixture.Admin.MintBuyersAsync(1))[0];
        using (var response = await fixture.Admin.WithToken(other.Token).PurchaseAsync(saleId, quantity: 2))
        {
            await Api.EnsureAsync(response, HttpStatusCode.Created);
        }

        var page = await fixture.NewPageAsync();
        await Pages.RegisterAsync(page, Pages.NewUsername());
        await page.GotoAsync($"/sales/{saleId}");
        await Expect(Pages.Remaining(page)).ToHaveTextAsync("1");
        return (saleId, page);
    }

    /// <summary>Two asked for: the field's max is 1 now, and the script still sends what is typed, as a stale page would.</summary>
    private static Task AskTwoAsync(IPage page) =>
        page.Locator("#quantity").EvaluateAsync("q => { q.form.noValidate = true; q.value = '2'; }");

    /// <summary>The next purchase's answer reaches the page with another detail (a reworded or translated API).</summary>
    private static Task RewordDetailAsync(IPage page, string saleId, string detail) =>
        page.RouteAsync($"**/api/v1/sales/{saleId}/purchases", async route =>
        {
            var response = await route.FetchAsync();
            var body = System.Text.Json.Nodes.JsonNode.Parse(await response.TextAsync())!;
            body["detail"] = detail;
            var headers = response.Headers.Where(h => !h.Key.Equals("content-length", StringComparison.OrdinalIgnoreCase))
                .ToDictionary(h => h.Key, h => h.Value);
            await route.FulfillAsync(new() { Status = response.Status, Headers = headers, Body = body.ToJsonString() });
        }, new() { Times = 1 });

    [Fact]
    public async Task BuyPressedByKeyboard_KeepsTheFocusOnTheButton_AndTheHeldLineAndQuantityFollow()
    {
        var saleId = (await fixture.Admin.CreateSaleAsync(stock: 10, perUserLimit: 3))["id"]!.GetValue<string>();
        var page = await fixture.NewPageAsync();
        await Pages.RegisterAsync(page, Pages.NewUsername());
        await page.GotoAsync($"/sales/{saleId}");

        // The button was disabled while busy, and a disabled button drops the focus to <body>.
        await Pages.BuyButton(page).FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(Pages.Flash(page)).ToContainTextAsync("You got it");
        await Expect(Pages.BuyButton(page)).ToBeFocusedAsync();
        await Expect(page.Locator("[data-role=held]")).ToHaveTextAsync("You hold 1 of 3.");
        await Expect(page.Locator("#quantity")).ToHaveAttributeAsync("max", "2");
    }

    [Fact]
    public async Task LimitReachedOnAnotherTab_ThePagesRefusal_DisablesTheButton_AndHandsTheFocusToTheMessage()
    {
        var saleId = (await fixture.Admin.CreateSaleAsync(stock: 10))["id"]!.GetValue<string>();
        var first = await fixture.NewPageAsync();
        await Pages.RegisterAsync(first, Pages.NewUsername());
        var second = await first.Context.NewPageAsync();
        await first.GotoAsync($"/sales/{saleId}");
        await second.GotoAsync($"/sales/{saleId}");
        await Pages.BuyButton(first).ClickAsync();
        await Expect(Pages.Flash(first)).ToContainTextAsync("You got it");

        // The other tab still offers the button; its press is refused (409 limit_reached), which left it enabled.
        await Pages.BuyButton(second).FocusAsync();
        await second.Keyboard.PressAsync("Enter");
        await Expect(Pages.Flash(second)).ToContainTextAsync("most units");
        await Expect(Pages.BuyButton(second)).ToBeDisabledAsync();
        await Expect(second.Locator("[data-role=held]")).ToHaveTextAsync("You hold 1 of 1.");
        Assert.True(await second.EvaluateAsync<bool>("document.activeElement.matches('[data-role=answer]')"),
            "the focus is on the message, not lost to <body>");
        Assert.Single(await fixture.Admin.AllOrdersAsync(saleId));
    }

    [Fact]
    public async Task LastUnitTakenByAnotherBuyer_PageShowsSoldOut_WithinTwoSeconds_WithoutReload()
    {
        var saleId = (await fixture.Admin.CreateSaleAsync(stock: 1))["id"]!.GetValue<string>();
        var page = await fixture.NewPageAsync();
        await Pages.RegisterAsync(page, Pages.NewUsername());
        await page.GotoAsync($"/sales/{saleId}");
        await Expect(Pages.BuyButton(page)).ToBeEnabledAsync();
        await page.WaitForTimeoutAsync(300); // the live feed is connected

        var other = (await fixture.Admin.MintBuyersAsync(1))[0];
        using var response = await fixture.Admin.WithToken(other.Token).PurchaseAsync(saleId);
        await Api.EnsureAsync(response, HttpStatusCode.Created);
        var clock = Stopwatch.StartNew();

        await Expect(Pages.Status(page)).ToHaveTextAsync("Sold out", new() { Timeout = 2000 });
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"sold out shown after {clock.Elapsed}");
        await Expect(Pages.Remaining(page)).ToHaveTextAsync("0");
        await Expect(Pages.BuyButton(page)).ToBeDisabledAsync();
        // It says why (BuyButtonLabels): a greyed "Buy now" told a buyer nothing.
        await Expect(Pages.BuyButton(page)).ToHaveTextAsync("Sold out");
    }

    [Fact]
    public async Task UpcomingSale_ButtonDisabledUntilTheCountdownEnds_ThenEnabledWithoutReload()
    {
        var startsAt = DateTimeOffset.UtcNow.AddSeconds(4);
        var saleId = (await fixture.Admin.CreateSaleAsync(stock: 5, startsAt: startsAt))["id"]!.GetValue<string>();
        var page = await fixture.NewPageAsync();
        await Pages.RegisterAsync(page, Pages.NewUsername());
        await page.GotoAsync($"/sales/{saleId}");

        await Expect(Pages.Status(page)).ToHaveTextAsync("Upcoming");
        await Expect(page.Locator(".product [data-role=countdown]")).ToHaveTextAsync(StartsIn());
        await Expect(Pages.BuyButton(page)).ToBeDisabledAsync();
        await Expect(Pages.BuyButton(page)).ToHaveTextAsync("Not open yet");
        var navigations = 0;
        page.FrameNavigated += (_, _) => navigations++;

        await Expect(Pages.BuyButton(page)).ToBeEnabledAsync(new() { Timeout = 8000 });
        Assert.True(DateTimeOffset.UtcNow >= startsAt.AddMilliseconds(-300), "enabled before the start");
        await Expect(Pages.Status(page)).ToHaveTextAsync("On sale");
        await Expect(Pages.BuyButton(page)).ToHaveTextAsync("Buy now");
        Assert.Equal(0, navigations);

        await Pages.BuyButton(page).ClickAsync();
        await Expect(Pages.Flash(page)).ToContainTextAsync("You got it");
    }

    [Fact]
    public async Task WithoutJavaScript_BuyingIsAPlainFormPost_WithAMessageForEachOutcome()
    {
        var saleId = (await fixture.Admin.CreateSaleAsync(stock: 2))["id"]!.GetValue<string>();
        var page = await fixture.NewPageAsync(javaScript: false);
        await Pages.RegisterAsync(page, Pages.NewUsername());
        await page.GotoAsync($"/sales/{saleId}");
        await Expect(page.Locator(".product [data-role=countdown]")).ToHaveTextAsync(EndsIn());

        await Pages.BuyButton(page).ClickAsync();
        await page.WaitForURLAsync(new Regex("m=bought"));
        await Expect(Pages.Flash(page)).ToContainTextAsync("You got it");
        await Expect(Pages.Remaining(page)).ToHaveTextAsync("1");
        await Expect(Pages.BuyButton(page)).ToBeDisabledAsync();

        await Pages.Flash(page).GetByRole(AriaRole.Link, new() { Name = "My orders" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/orders$"));
        await Expect(page.Locator("table tbody tr")).ToHaveCountAsync(1);

        // The last unit goes elsewhere; a second buyer without JavaScript is told it is sold out.
        var other = await fixture.NewPageAsync(javaScript: false);
        await Pages.RegisterAsync(other, Pages.NewUsername());
        await other.GotoAsync($"/sales/{saleId}");
        using var response = await fixture.Admin.WithToken((await fixture.Admin.MintBuyersAsync(1))[0].Token).PurchaseAsync(saleId);
        await Api.EnsureAsync(response, HttpStatusCode.Created);
        await Pages.BuyButton(other).ClickAsync();
        await Expect(Pages.Flash(other)).ToContainTextAsync("Sold out");
    }

    [Fact]
    public async Task ANewBuyer_FromSignInToBuy_ThroughCreateAnAccount_ComesBackToTheSale()
    {
        var saleId = (await fixture.Admin.CreateSaleAsync(stock: 3))["id"]!.GetValue<string>();
        var page = await fixture.NewPageAsync();
        await page.GotoAsync($"/sales/{saleId}");
        await page.GetByRole(AriaRole.Link, new() { Name = "Sign in to buy" }).ClickAsync();

        // No account yet: the sign-in page's "Create an account" led to a register form without the sale, and the new
        // buyer landed on the front page.
        await page.GetByRole(AriaRole.Link, new() { Name = "Create an account" }).ClickAsync();
        await page.GetByLabel("Username").FillAsync(Pages.NewUsername());
        await page.GetByLabel("Password").FillAsync("correct-horse-1");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create an account" }).ClickAsync();

        await Expect(page).ToHaveURLAsync(new Regex($"/sales/{saleId}$"));
        await Pages.BuyButton(page).ClickAsync();
        await Expect(Pages.Flash(page)).ToContainTextAsync("You got it");
    }

    [Theory]
    [InlineData("Register", "Create an account")]
    [InlineData("Sign in", "Sign in")]
    public async Task TheHeadersLink_FromASalePage_ComesBackToTheSale(string link, string button)
    {
        var saleId = (await fixture.Admin.CreateSaleAsync(stock: 3))["id"]!.GetValue<string>();
        var username = Pages.NewUsername();
        if (link == "Sign in")
        {
            await Pages.RegisterAsync(await fixture.NewPageAsync(), username);
        }

        var page = await fixture.NewPageAsync();
        await page.GotoAsync($"/sales/{saleId}");

        // The header's links went to the forms without the page: signed in, the buyer was on the front page.
        await page.GetByRole(AriaRole.Navigation).GetByRole(AriaRole.Link, new() { Name = link, Exact = true }).ClickAsync();
        await page.GetByLabel("Username").FillAsync(username);
        await page.GetByLabel("Password").FillAsync("correct-horse-1");
        await page.GetByRole(AriaRole.Button, new() { Name = button, Exact = true }).ClickAsync();

        await Expect(page).ToHaveURLAsync(new Regex($"/sales/{saleId}$"));
        await Expect(Pages.BuyButton(page)).ToBeEnabledAsync();
    }

    [Fact]
    public async Task SignOut_ReturnsToTheShop_AndMyOrdersAsksToSignIn()
    {
        var page = await fixture.NewPageAsync();
        await Pages.RegisterAsync(page, Pages.NewUsername());
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Sign in" })).ToBeVisibleAsync();
        await page.GotoAsync("/orders");
        await Expect(page).ToHaveURLAsync(new Regex("/login"));
    }

    [GeneratedRegex(@"^Ends in \d")]
    private static partial Regex EndsIn();

    [GeneratedRegex(@"^Starts in \d")]
    private static partial Regex StartsIn();
}
