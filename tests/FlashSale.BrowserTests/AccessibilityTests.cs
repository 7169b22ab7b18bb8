using Deque.AxeCore.Playwright;
using FlashSale.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace FlashSale.BrowserTests;

/// <summary>
/// axe-core on every page, anonymous, as a buyer and as the admin: no serious or critical violation. Then what axe does not
/// see: where the keyboard's focus is and shows, and what a screen reader is told (the forms: AccessibilityTests.Forms.cs).
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed partial class AccessibilityTests(BrowserFixture fixture) : IAsyncLifetime
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

    /// <summary>
    /// A card's link focused from the keyboard shows a ring: drawn outside the link, it was clipped by the card's
    /// <c>overflow: hidden</c>, and nothing showed where the focus was (WCAG 2.4.7).
    /// </summary>
    [Fact]
    public async Task AHomeCard_FocusedByKeyboard_ShowsARingTheCardDoesNotClip()
    {
        var saleId = (await fixture.Admin.CreateSaleAsync(stock: 5))["id"]!.GetValue<string>();
        var page = await fixture.NewPageAsync();
        await page.GotoAsync("/");
        var card = page.Locator($"li.card[data-sale='{saleId}']");
        var link = card.Locator("a.card-link");
        // By the keyboard, as a keyboard user gets there (:focus-visible).
        await link.FocusAsync();
        await page.Keyboard.PressAsync("Shift+Tab");
        await page.Keyboard.PressAsync("Tab");
        await Expect(link).ToBeFocusedAsync();

        // The card's own ring (its overflow clips only what is inside it), or the link's drawn inside the link.
        var ring = await card.EvaluateAsync<string>("""
            card => {
              const style = getComputedStyle(card), link = getComputedStyle(card.querySelector("a.card-link"));
              if (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0) { return "card"; }
              if (link.outlineStyle !== "none" && parseFloat(link.outlineWidth) > 0 && parseFloat(link.outlineOffset) < 0) { return "inset"; }
              return "none (link: " + link.outlineStyle + " " + link.outlineWidth + " offset " + link.outlineOffset + ")";
            }
            """);
        Assert.True(ring is "card" or "inset", "no focus ring the card does not clip: " + ring);
    }

    /// <summary>
    /// A page drawn with the answer to a form post focuses it (an error as an alert), as the sign-in form does its error:
    /// the status box was in the page from its load, and nothing was read out after a purchase without the script, an end,
    /// a cancel or a save; the buyer search's "No account has this username." was not tied to its field either.
    /// </summary>
    [Fact]
    public async Task AMessageAfterAFormPost_IsFocused_AndAnUnknownUsernameIsTiedToItsField()
    {
        var saleId = (await fixture.Admin.CreateSaleAsync(stock: 5))["id"]!.GetValue<string>();
        var noScript = await fixture.NewPageAsync(javaScript: false);
        await Pages.RegisterAsync(noScript, Pages.NewUsername());
        await ExpectFocusedMessageAsync(noScript, $"/sales/{saleId}?m=bought", "status", "You got it");
        await ExpectFocusedMessageAsync(noScript, $"/sales/{saleId}?m=limit_reached", "status", "most units");

        var admin = await fixture.NewPageAsync();
        await Pages.SignInAsync(admin, "admin", TestApp.AdminPassword);
        await ExpectFocusedMessageAsync(admin, "/admin?m=ended", "status", "Sale ended");
        await ExpectFocusedMessageAsync(admin, $"/admin/sales/{saleId}?m=cancelled", "status", "Order cancelled");
        await ExpectFocusedMessageAsync(admin, $"/admin/sales/{saleId}?m=saved", "status", "Changes saved.");
        await ExpectFocusedMessageAsync(admin, "/admin/buyers?username=nobody-" + Guid.NewGuid().ToString("N")[..8], "alert", "No account has this username.");
        var field = admin.GetByLabel("Username");
        await Expect(field).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(field).ToHaveAttributeAsync("aria-describedby", "flash");
    }

    private static async Task ExpectFocusedMessageAsync(IPage page, string path, string role, string text)
    {
        await page.GotoAsync(path);
        var message = page.Locator("#flash");
        await Expect(message).ToContainTextAsync(text);
        await Expect(message).ToHaveAttributeAsync("role", role);
        await Expect(message).ToBeFocusedAsync();
    }

    /// <summary>
    /// The buy form's answer line and the home page's new-sales note are live regions in the page from its load, not
    /// hidden, and the script writes its text into them: a region hidden, then shown together with its text, is often not
    /// read out at all.
    /// </summary>
    [Fact]
    public async Task TheAnswerLine_AndTheNewSalesNote_AreLiveRegionsThereBeforeTheirText()
    {
        var saleId = (await fixture.Admin.CreateSaleAsync(stock: 5))["id"]!.GetValue<string>();
        var page = await fixture.NewPageAsync();
        await Pages.RegisterAsync(page, Pages.NewUsername());
        await page.GotoAsync($"/sales/{saleId}");
        var answer = page.Locator("form.buy [data-role=answer]");
        await ExpectAWaitingLiveRegionAsync(answer);
        await Pages.BuyButton(page).ClickAsync();
        await Expect(answer).ToContainTextAsync("You got it");

        await page.GotoAsync("/");
        var news = page.Locator("[data-role=new-sales]");
        await ExpectAWaitingLiveRegionAsync(news);
        await fixture.Admin.CreateSaleAsync(stock: 3);
        await Expect(news).ToContainTextAsync("New sales have been added.", new() { Timeout = 15_000 });
        await Expect(news.GetByRole(AriaRole.Link, new() { Name = "Reload the page" })).ToBeVisibleAsync();
    }

    private static async Task ExpectAWaitingLiveRegionAsync(ILocator region)
    {
        await Expect(region).ToBeAttachedAsync();
        await Expect(region).ToHaveAttributeAsync("role", "status");
        Assert.Equal("", await region.EvaluateAsync<string>("""
            e => e.closest("[hidden]") ? "hidden" : getComputedStyle(e).display === "none" ? "display: none"
              : getComputedStyle(e).visibility !== "visible" ? "invisible" : e.textContent.trim()
            """));
    }

    /// <summary>
    /// A home card's link is named by its product, and its title is a heading (h2 under the page's h1, h3 under "Recently
    /// ended"); the stock bar is hidden from a screen reader, the line under it saying the same. Until 2026-12-07 the link
    /// read "On sale Test product 10.00 USD Ends in … 5 5 of 5 left", and the cards had no headings.
    /// </summary>
    [Fact]
    public async Task AHomeCard_IsNamedByItsProduct_AndHeadedByIt()
    {
        var now = DateTimeOffset.UtcNow;
        var saleId = (await fixture.Admin.CreateSaleAsync(stock: 5))["id"]!.GetValue<string>();
        var endedId = (await fixture.Admin.CreateSaleAsync(stock: 5, startsAt: now.AddHours(-1), endsAt: now.AddSeconds(-1)))["id"]!.GetValue<string>();
        var page = await fixture.NewPageAsync();
        await page.GotoAsync("/");
        var card = page.Locator($"li.card[data-sale='{saleId}']");
        await Expect(card.GetByRole(AriaRole.Link, new() { Name = "Test product", Exact = true })).ToHaveCountAsync(1);
        await Expect(card.GetByRole(AriaRole.Heading, new() { Name = "Test product", Exact = true, Level = 2 })).ToHaveCountAsync(1);
        await Expect(card.GetByRole(AriaRole.Progressbar)).ToHaveCountAsync(0);
        await Expect(card.Locator("[data-role=left]")).ToHaveTextAsync("5 of 5 left");
        var ended = page.Locator($"section.ended li.card[data-sale='{endedId}']");
        await Expect(ended.GetByRole(AriaRole.Heading, new() { Name = "Test product", Exact = true, Level = 3 })).ToHaveCountAsync(1);
    }

    /// <summary>
    /// Another buyer takes the last unit while this buyer's focus is on the button: the answer line says why the button
    /// went off and takes the focus, and the status region says nothing more of it. "Sold out" was written to both live
    /// regions, then read again with the focus: three times.
    /// </summary>
    [Fact]
    public async Task LastUnitTakenByAnotherBuyer_SoldOutIsWrittenToOneLiveRegion()
    {
        var saleId = (await fixture.Admin.CreateSaleAsync(stock: 1))["id"]!.GetValue<string>();
        var page = await fixture.NewPageAsync();
        await Pages.RegisterAsync(page, Pages.NewUsername());
        await page.RunAndWaitForResponseAsync(() => page.GotoAsync($"/sales/{saleId}"), r => r.Url.EndsWith("/events", StringComparison.Ordinal));
        await Pages.BuyButton(page).FocusAsync();

        var other = (await fixture.Admin.MintBuyersAsync(1))[0];
        using (var bought = await fixture.Admin.WithToken(other.Token).PurchaseAsync(saleId))
        {
            await Api.EnsureAsync(bought, System.Net.HttpStatusCode.Created);
        }

        await Expect(Pages.BuyButton(page)).ToBeDisabledAsync(new() { Timeout = 15_000 });
        await Expect(page.Locator("[data-role=answer]")).ToBeFocusedAsync();
        await page.WaitForTimeoutAsync(500); // a later render would have written it by now
        var saying = await page.EvaluateAsync<string[]>("""
            () => Array.from(document.querySelectorAll("[aria-live], [role=status], [role=alert]"))
              .filter(e => e.getAttribute("aria-live") !== "off" && /sold out/i.test(e.textContent)).map(e => e.textContent)
            """);
        Assert.True(saying.Length == 1, "live regions saying sold out: " + string.Join(" | ", saying));
    }

    /// <summary>
    /// On a phone a stacked cell shows its column's name (CSS generated content) for the eye only: a screen reader has the
    /// header, and read each name twice ("Product Product Test product").
    /// </summary>
    [Fact]
    public async Task AStackedTablesLabels_OnAPhone_AreHiddenFromScreenReaders()
    {
        var page = await fixture.NewPageAsync(width: 375, height: 812);
        await Pages.SignInAsync(page, "admin", TestApp.AdminPassword);
        await page.GotoAsync("/admin");
        var content = await page.Locator("table.responsive td[data-label]").First
            .EvaluateAsync<string>("td => getComputedStyle(td, '::before').content");
        // The alt text after the slash is what assistive technology reads: nothing.
        Assert.Matches("""/\s*""$""", content);
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
