using System.Net;
using FlashSale.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace FlashSale.BrowserTests;

/// <summary>
/// Where a buyer reads what happened: the answer under the button they pressed, on a phone too; the focus kept when the
/// button goes off under it; a form post's answer told once; a visitor's "Sign in to buy" while there is something to buy.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class BuyAnswerTests(BrowserFixture fixture) : IAsyncLifetime
{
    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => fixture.CloseContextsAsync();

    /// <summary>
    /// On a phone the buy button is on the first screen, and its answer shows beside it. Until 2026-12-07 a full-width
    /// picture put the button below the fold, and the answer went to the box above the product, 177 px above the screen.
    /// </summary>
    [Fact]
    public async Task OnAPhone_TheButtonIsOnTheFirstScreen_AndItsAnswerBesideIt()
    {
        var saleId = (await fixture.Admin.CreateSaleAsync(stock: 10, perUserLimit: 3))["id"]!.GetValue<string>();
        var page = await fixture.NewPageAsync(width: 390, height: 844);
        await Pages.RegisterAsync(page, Pages.NewUsername());
        await page.GotoAsync($"/sales/{saleId}");
        await Expect(Pages.BuyButton(page)).ToBeInViewportAsync(new() { Ratio = 1 });

        await Pages.BuyButton(page).ScrollIntoViewIfNeededAsync();
        await Pages.BuyButton(page).ClickAsync();
        var answer = page.Locator("[data-role=answer]");
        await Expect(answer).ToContainTextAsync("You got it");
        await Expect(answer).ToBeInViewportAsync(new() { Ratio = 1 });
        await Expect(page.Locator("#flash")).ToBeHiddenAsync();
    }

    /// <summary>
    /// A keyboard user waiting on "Buy now" when another buyer takes the last unit: the live feed disables the button, and
    /// the focus goes to the message, which says why. Until 2026-12-07 it fell to the page's body when no message showed yet.
    /// </summary>
    [Fact]
    public async Task TheButtonGoingOffUnderTheFocus_HandsTheFocusToTheMessage_SayingWhy()
    {
        var saleId = (await fixture.Admin.CreateSaleAsync(stock: 1))["id"]!.GetValue<string>();
        var page = await fixture.NewPageAsync();
        await Pages.RegisterAsync(page, Pages.NewUsername());
        await page.GotoAsync($"/sales/{saleId}");
        await Pages.BuyButton(page).FocusAsync();
        await page.WaitForTimeoutAsync(300); // the live feed is connected

        await fixture.Admin.WithToken((await fixture.Admin.MintBuyersAsync(1))[0].Token).BoughtAsync(saleId);

        await Expect(Pages.BuyButton(page)).ToBeDisabledAsync();
        var answer = page.Locator("[data-role=answer]");
        await Expect(answer).ToContainTextAsync("Sold out — every unit has been taken");
        await Expect(answer).ToBeFocusedAsync();
    }

    /// <summary>
    /// While the purchase is in flight the button says "Buying…" (it was only dimmed); once the buyer holds the limit the
    /// quantity is off with the button (it stayed editable beside "Limit reached").
    /// </summary>
    [Fact]
    public async Task InFlight_TheButtonSaysBuying_AndAtTheLimit_TheQuantityIsOffWithIt()
    {
        var saleId = (await fixture.Admin.CreateSaleAsync(stock: 10, perUserLimit: 2))["id"]!.GetValue<string>();
        var page = await fixture.NewPageAsync();
        await Pages.RegisterAsync(page, Pages.NewUsername());
        await page.GotoAsync($"/sales/{saleId}");
        var release = new TaskCompletionSource();
        await page.RouteAsync($"**/api/v1/sales/{saleId}/purchases", async route =>
        {
            await release.Task;
            await route.ContinueAsync();
        }, new() { Times = 1 });

        await page.Locator("#quantity").FillAsync("2");
        await Pages.BuyButton(page).ClickAsync();
        await Expect(Pages.BuyButton(page)).ToHaveTextAsync("Buying…");
        release.SetResult();

        await Expect(Pages.Flash(page)).ToContainTextAsync("You got it");
        await Expect(Pages.BuyButton(page)).ToHaveTextAsync("Limit reached");
        await Expect(page.Locator("#quantity")).ToBeDisabledAsync();
    }

    /// <summary>
    /// The buyer's own purchase takes the last unit, and the live feed says "sold out" before the purchase's answer comes:
    /// the page waits for its answer ("You got it"), which takes the focus, instead of saying "Sold out" first.
    /// </summary>
    [Fact]
    public async Task TheLastUnitBoughtHere_IsToldAsBought_ThoughTheFeedSaysSoldOutFirst()
    {
        var saleId = (await fixture.Admin.CreateSaleAsync(stock: 1))["id"]!.GetValue<string>();
        var page = await fixture.NewPageAsync();
        await Pages.RegisterAsync(page, Pages.NewUsername());
        await page.GotoAsync($"/sales/{saleId}");
        await page.WaitForTimeoutAsync(300); // the live feed is connected
        var answered = new TaskCompletionSource<IAPIResponse>();
        var deliver = new TaskCompletionSource();
        await page.RouteAsync($"**/api/v1/sales/{saleId}/purchases", async route =>
        {
            var response = await route.FetchAsync(); // bought on the server, its answer held back
            answered.SetResult(response);
            await deliver.Task;
            await route.FulfillAsync(new() { Response = response });
        }, new() { Times = 1 });

        await Pages.BuyButton(page).FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        Assert.Equal(201, (await answered.Task).Status);
        await Expect(Pages.Remaining(page)).ToHaveTextAsync("0"); // the feed came first
        await Expect(Pages.BuyButton(page)).ToHaveTextAsync("Buying…");
        await Expect(page.Locator("[data-role=answer]")).ToBeHiddenAsync();
        deliver.SetResult();

        var answer = page.Locator("[data-role=answer]");
        await Expect(answer).ToContainTextAsync("You got it");
        await Expect(answer).ToBeFocusedAsync();
        await Expect(Pages.BuyButton(page)).ToBeDisabledAsync();
    }

    /// <summary>
    /// The quantity is chosen while waiting for the start (it stays editable), and a buyer who presses Enter in it keeps
    /// the focus with the answer when the button goes off (the focus was only kept from the button).
    /// </summary>
    [Fact]
    public async Task TheQuantity_ChosenBeforeTheStart_AndEnterInIt_KeepsTheFocusWithTheAnswer()
    {
        var now = DateTimeOffset.UtcNow;
        var saleId = (await fixture.Admin.CreateSaleAsync(stock: 10, perUserLimit: 2, startsAt: now.AddSeconds(4), endsAt: now.AddHours(1)))["id"]!
            .GetValue<string>();
        var page = await fixture.NewPageAsync();
        await Pages.RegisterAsync(page, Pages.NewUsername());
        await page.GotoAsync($"/sales/{saleId}");
        await Expect(Pages.BuyButton(page)).ToHaveTextAsync("Not open yet");

        var quantity = page.Locator("#quantity");
        await quantity.FillAsync("2");
        await Expect(Pages.BuyButton(page)).ToBeEnabledAsync(new() { Timeout = 10_000 });
        await quantity.PressAsync("Enter");

        var answer = page.Locator("[data-role=answer]");
        await Expect(answer).ToContainTextAsync("You got it");
        await Expect(answer).ToBeFocusedAsync();
        await Expect(quantity).ToBeDisabledAsync();
    }

    /// <summary>
    /// Without JavaScript the countdown stands still: the page reloads itself at the start, and its button is on without
    /// the buyer guessing when to reload (it said "Not open yet" until they did).
    /// </summary>
    [Fact]
    public async Task WithoutTheScript_AnUpcomingSalesPage_OpensByItselfAtTheStart()
    {
        var now = DateTimeOffset.UtcNow;
        var saleId = (await fixture.Admin.CreateSaleAsync(stock: 5, startsAt: now.AddSeconds(4), endsAt: now.AddHours(1)))["id"]!
            .GetValue<string>();
        var page = await fixture.NewPageAsync(javaScript: false);
        await Pages.RegisterAsync(page, Pages.NewUsername());
        await page.GotoAsync($"/sales/{saleId}");
        await Expect(Pages.BuyButton(page)).ToHaveTextAsync("Not open yet");

        await Expect(Pages.BuyButton(page)).ToHaveTextAsync("Buy now", new() { Timeout = 15_000 });
        await Expect(Pages.BuyButton(page)).ToBeEnabledAsync();
    }

    /// <summary>A form post's answer (?m=) is shown, and the address loses it: a reload does not tell it again.</summary>
    [Fact]
    public async Task APostedAnswer_IsToldOnce_NotAgainOnReload()
    {
        var saleId = (await fixture.Admin.CreateSaleAsync(stock: 5))["id"]!.GetValue<string>();
        var page = await fixture.NewPageAsync();
        await page.GotoAsync($"/sales/{saleId}?m=bought");
        await Expect(Pages.Flash(page)).ToContainTextAsync("You got it");
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex($"/sales/{saleId}$"));

        await page.ReloadAsync();
        await Expect(Pages.Status(page)).ToHaveTextAsync("On sale");
        await Expect(page.Locator("#flash")).ToBeHiddenAsync();
    }

    /// <summary>
    /// A visitor reads "Sign in to buy" while there is something to buy: not beside a sold-out sale, and back when a
    /// cancel returns a unit (the live feed), without a reload.
    /// </summary>
    [Fact]
    public async Task AVisitorsSignInToBuy_FollowsTheStock()
    {
        var saleId = (await fixture.Admin.CreateSaleAsync(stock: 1))["id"]!.GetValue<string>();
        var orderId = await fixture.Admin.WithToken((await fixture.Admin.MintBuyersAsync(1))[0].Token).BoughtAsync(saleId);
        var page = await fixture.NewPageAsync();
        await page.GotoAsync($"/sales/{saleId}");
        var signIn = page.GetByRole(AriaRole.Link, new() { Name = "Sign in to buy" });
        await Expect(Pages.Status(page)).ToHaveTextAsync("Sold out");
        await Expect(signIn).ToBeHiddenAsync();
        await page.WaitForTimeoutAsync(300); // the live feed is connected

        using (var cancelled = await fixture.Admin.SendAsync(HttpMethod.Post, $"/api/v1/admin/orders/{orderId}/cancel"))
        {
            await Api.EnsureAsync(cancelled, HttpStatusCode.OK);
        }

        await Expect(Pages.Status(page)).ToHaveTextAsync("On sale");
        await Expect(signIn).ToBeVisibleAsync();
    }
}
