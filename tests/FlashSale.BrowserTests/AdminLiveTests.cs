using System.Net;
using FlashSale.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace FlashSale.BrowserTests;

/// <summary>
/// The admin's pages while a sale sells: the sale page follows the public live feed, the dashboard's table the public
/// list (as the home page's cards), without a reload; the sale page's record parts (revenue, orders, the latest orders)
/// are read again from <c>GET /admin/sales/{id}/live</c>.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class AdminLiveTests(BrowserFixture fixture) : IAsyncLifetime
{
    // The feed rests 200 ms between reads, the list is polled every 5 s: generously within three polls.
    private static readonly LocatorAssertionsToHaveTextOptions Soon = new() { Timeout = 15_000 };

    // The sale page's record parts are read every 15 s, 5 s after the last at the soonest once the feed shows units moved.
    private static readonly LocatorAssertionsToHaveTextOptions Record = new() { Timeout = 40_000 };

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => fixture.CloseContextsAsync();

    [Fact]
    public async Task SalePage_FollowsPurchasesASellOutACancelAndAnEarlyEnd_WithoutReload()
    {
        var saleId = await CreateSaleAsync(stock: 3);
        var page = await AdminPageAsync();
        await page.RunAndWaitForResponseAsync(() => page.GotoAsync($"/admin/sales/{saleId}"), r => r.Url.EndsWith("/events", StringComparison.Ordinal));
        var badge = page.Locator(".page-head [data-role=status]");
        var delete = page.GetByRole(AriaRole.Link, new() { Name = "Delete" });
        var behind = page.Locator("[data-role=record-behind]");
        await Expect(page.Locator("[data-kpi=units]")).ToHaveTextAsync("0 / 3");
        await Expect(badge).ToHaveTextAsync("On sale");
        await Expect(delete).ToBeVisibleAsync();
        await Expect(behind).ToBeHiddenAsync();

        await BuyAsync(saleId, buyers: 2);

        // Before, the page kept "0 / 3", "0 %" and its Delete link until a reload.
        await Expect(page.Locator("[data-kpi=units]")).ToHaveTextAsync("2 / 3", Soon);
        await Expect(page.Locator("[data-role=remaining]")).ToHaveTextAsync("1");
        await Expect(page.Locator("[data-kpi=sell-through]")).ToHaveTextAsync("66.6 %");
        await Expect(delete).ToBeHiddenAsync();
        // The record's figures follow at its next read; meanwhile the page says they are behind rather than contradict the units.
        await Expect(page.Locator("[data-kpi=revenue]")).ToHaveTextAsync("20.00 USD", Record);
        await Expect(behind).ToBeHiddenAsync();

        await BuyAsync(saleId, buyers: 1);
        await Expect(badge).ToHaveTextAsync("Sold out", Soon);
        await Expect(page.Locator("[data-kpi=sell-through]")).ToHaveTextAsync("100 %");

        var orderId = (await fixture.Admin.AllOrdersAsync(saleId))[0]["orderId"]!.GetValue<string>();
        await Api.EnsureAsync(await fixture.Admin.SendAsync(HttpMethod.Post, $"/api/v1/admin/orders/{orderId}/cancel"), HttpStatusCode.OK);
        await Expect(badge).ToHaveTextAsync("On sale", Soon);
        await Expect(page.Locator("[data-kpi=units]")).ToHaveTextAsync("2 / 3");

        await Api.EnsureAsync(await fixture.Admin.SendAsync(HttpMethod.Post, $"/api/v1/admin/sales/{saleId}/end"), HttpStatusCode.OK);
        await Expect(badge).ToHaveTextAsync("Ended", Soon);
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "End now" })).ToBeHiddenAsync();
    }

    [Fact]
    public async Task SalePage_ShowsAPurchaseInRevenueAndOrders_SoonAfterTheUnitsMove()
    {
        var saleId = await CreateSaleAsync(stock: 3);
        var page = await AdminPageAsync();
        var recorded = page.Locator("[data-role=recorded]");
        // Right after a read of the record, so the next one by the clock is 15 s away.
        await page.RunAndWaitForResponseAsync(() => page.GotoAsync($"/admin/sales/{saleId}"),
            r => r.Url.EndsWith($"/admin/sales/{saleId}/live", StringComparison.Ordinal), new() { Timeout = 30_000 });
        var drawnAt = await recorded.GetAttributeAsync("datetime");
        await Expect(page.Locator("[data-kpi=orders]")).ToHaveTextAsync("0");

        await BuyAsync(saleId, buyers: 1);

        // Before, revenue, orders and the latest orders stayed as drawn until a reload. The feed shows the unit at once
        // and the record is read 5 s after the last read: well before the next read by the clock.
        await Expect(page.Locator("[data-kpi=orders]")).ToHaveTextAsync("1", new() { Timeout = 11_000 });
        await Expect(page.Locator("[data-kpi=revenue]")).ToHaveTextAsync("10.00 USD");
        await Expect(page.Locator("[data-part=latest-orders] tbody tr")).ToHaveCountAsync(1);
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Cancel order" })).ToBeVisibleAsync();
        await Expect(page.Locator("[data-part=panels] .leaders li")).ToHaveCountAsync(1);
        await Expect(recorded).Not.ToHaveAttributeAsync("datetime", drawnAt!);
        await Expect(page.Locator("[data-role=record-behind]")).ToBeHiddenAsync();
        await Expect(page.Locator("[data-role=live]")).ToHaveTextAsync("");
    }

    [Fact]
    public async Task SalePage_InAHiddenTab_ReadsNoRecord_AndReadsAtOnceWhenSeen()
    {
        var saleId = await CreateSaleAsync(stock: 3);
        var page = await AdminPageAsync();
        var reads = 0;
        page.Request += (_, request) => reads += request.Url.EndsWith("/live", StringComparison.Ordinal) ? 1 : 0;
        await page.GotoAsync($"/admin/sales/{saleId}");
        await Pages.SetHiddenAsync(page, true);
        var before = reads;
        await BuyAsync(saleId, buyers: 1); // units moving do not wake a hidden page either
        // Two reads' time: a page that read on while hidden would have read twice.
        await Task.Delay(32_000);
        Assert.InRange(reads - before, 0, 1); // at most the one already due when the page was hidden

        var read = page.WaitForRequestAsync(r => r.Url.EndsWith($"/admin/sales/{saleId}/live", StringComparison.Ordinal), new() { Timeout = 5_000 });
        await Pages.SetHiddenAsync(page, false);
        await read;
        await Expect(page.Locator("[data-kpi=orders]")).ToHaveTextAsync("1");
    }

    [Fact]
    public async Task SalePage_SignedOutInAnotherTab_SaysSo_AndStillFollowsTheFeed()
    {
        var saleId = await CreateSaleAsync(stock: 3);
        var page = await AdminPageAsync();
        await page.RunAndWaitForResponseAsync(() => page.GotoAsync($"/admin/sales/{saleId}"), r => r.Url.EndsWith("/events", StringComparison.Ordinal));
        var note = page.Locator(".page-head [data-role=live]");

        await DashboardLiveTests.SignOutInAnotherTabAsync(page);

        // Before, "Live updates paused — reconnecting…" for good. The public feed still answers: its units go on.
        await Expect(note).ToHaveTextAsync(DashboardLiveTests.SignedOut, Record);
        await Expect(note.GetByRole(AriaRole.Link, new() { Name = "sign in again" }))
            .ToHaveAttributeAsync("href", "/login?returnUrl=" + Uri.EscapeDataString($"/admin/sales/{saleId}"));
        await BuyAsync(saleId, buyers: 1);
        await Expect(page.Locator("[data-kpi=units]")).ToHaveTextAsync("1 / 3", Soon);
        await Expect(note).ToHaveTextAsync(DashboardLiveTests.SignedOut);
        Assert.EndsWith($"/admin/sales/{saleId}", page.Url, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dashboard_RowsFollowASellOut_AnEarlyEnd_AndADeletion_WithoutReload()
    {
        // Named for this test, and the page searched for that name: on the shared server an ended sale moves to the ended
        // sales after the live and upcoming ones, past the first page.
        var tag = "admin-live-" + Guid.NewGuid().ToString("N")[..8];
        var selling = await CreateSaleAsync(stock: 1, tag);
        var ending = await CreateSaleAsync(stock: 5, tag);
        var deleting = await CreateSaleAsync(stock: 5, tag);
        var page = await AdminPageAsync();
        await page.GotoAsync("/admin?q=" + tag);
        await Expect(Row(page, selling).Locator("[data-role=status]")).ToHaveTextAsync("On sale");
        await Expect(Row(page, selling).Locator("td[data-label=Sold]")).ToHaveTextAsync("0 / 1");

        await BuyAsync(selling, buyers: 1);
        await Api.EnsureAsync(await fixture.Admin.SendAsync(HttpMethod.Post, $"/api/v1/admin/sales/{ending}/end"), HttpStatusCode.OK);
        await Api.EnsureAsync(await fixture.Admin.SendAsync(HttpMethod.Delete, $"/api/v1/admin/sales/{deleting}"), HttpStatusCode.NoContent);

        // Before, every row kept its status, units and links as drawn.
        await Expect(Row(page, selling).Locator("[data-role=status]")).ToHaveTextAsync("Sold out", Soon);
        await Expect(Row(page, selling).Locator("td[data-label=Sold]")).ToHaveTextAsync("1 / 1");
        await Expect(Row(page, selling).Locator("[data-action=delete]")).ToBeHiddenAsync();
        await Expect(Row(page, ending).Locator("[data-role=status]")).ToHaveTextAsync("Ended", Soon);
        await Expect(Row(page, ending).Locator("[data-action=end]")).ToBeHiddenAsync();
        await Expect(Row(page, deleting).Locator("[data-role=status]")).ToHaveTextAsync("Removed", Soon);
        await Expect(Row(page, deleting).Locator("[data-action]")).ToHaveCountAsync(3);
        foreach (var link in await Row(page, deleting).Locator("[data-action]").AllAsync())
        {
            await Expect(link).ToBeHiddenAsync();
        }
    }

    [Fact]
    public async Task SalePage_InAHiddenTab_LetsItsStreamGo()
    {
        // A server of its own whose cap is one stream per address: the page's stream is the one, until the tab is hidden.
        await using var app = new TestApp(realSocket: true, settings: new Dictionary<string, string?> { ["Live:MaxStreamsPerClient"] = "1" });
        var http = app.CreateClient();
        var admin = await Api.AsAdminAsync(http);
        var saleId = (await admin.CreateSaleAsync(stock: 5))["id"]!.GetValue<string>();
        await using var context = await fixture.Browser.NewContextAsync(new() { BaseURL = http.BaseAddress!.ToString() });
        var page = await context.NewPageAsync();
        await Pages.SignInAsync(page, "admin", TestApp.AdminPassword);
        await page.RunAndWaitForResponseAsync(() => page.GotoAsync($"/admin/sales/{saleId}"), r => r.Url.EndsWith("/events", StringComparison.Ordinal));
        using (var refused = await StreamAsync(http, saleId))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        }

        await Pages.SetHiddenAsync(page, true);

        // Before, the admin's page held its stream (and one of the browser's six connections) however long it was hidden.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        HttpStatusCode status;
        do
        {
            await Task.Delay(200);
            using var attempt = await StreamAsync(http, saleId);
            status = attempt.StatusCode;
        }
        while (status != HttpStatusCode.OK && DateTime.UtcNow < deadline);

        Assert.Equal(HttpStatusCode.OK, status);
    }

    [Fact]
    public async Task WithoutJavaScript_TheSalePageAndTheDashboardAreAsDrawn()
    {
        var saleId = await CreateSaleAsync(stock: 3);
        await BuyAsync(saleId, buyers: 1);
        var page = await fixture.NewPageAsync(javaScript: false);
        await Pages.SignInAsync(page, "admin", TestApp.AdminPassword);

        await page.GotoAsync($"/admin/sales/{saleId}");
        await Expect(page.Locator("[data-kpi=units]")).ToHaveTextAsync("1 / 3");
        await Expect(page.Locator("[data-role=remaining]")).ToHaveTextAsync("2");
        await Expect(page.Locator("[data-kpi=sell-through]")).ToHaveTextAsync("33.3 %");
        await Expect(page.Locator("[data-kpi=revenue]")).ToHaveTextAsync("10.00 USD");
        await Expect(page.Locator("[data-role=record-behind]")).ToBeHiddenAsync();
        await Expect(page.Locator("[data-role=live]")).ToHaveTextAsync("");
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "End now" })).ToBeVisibleAsync();

        await page.GotoAsync("/admin");
        await Expect(Row(page, saleId).Locator("td[data-label=Sold]")).ToHaveTextAsync("1 / 3");
        await Expect(Row(page, saleId).Locator("[data-role=status]")).ToHaveTextAsync("On sale");
    }

    /// <summary>
    /// The latest orders are drawn again when an order comes; a cancel link focused in them kept the focus in the old
    /// markup, gone, and the browser put it on &lt;body&gt;: a keyboard or screen reader user was sent back to the top of the
    /// page by every purchase (WCAG 2.4.3). The focus is now on the same link in the new part.
    /// </summary>
    [Fact]
    public async Task SalePage_ALiveUpdateOfTheLatestOrders_KeepsTheFocusOnTheFocusedCancelLink()
    {
        var saleId = await CreateSaleAsync(stock: 5);
        await BuyAsync(saleId, buyers: 1);
        var page = await AdminPageAsync();
        await page.RunAndWaitForResponseAsync(() => page.GotoAsync($"/admin/sales/{saleId}"), r => r.Url.EndsWith("/events", StringComparison.Ordinal));
        var rows = page.Locator("[data-part=latest-orders] tbody tr");
        await Expect(rows).ToHaveCountAsync(1);
        var cancel = rows.First.GetByRole(AriaRole.Link, new() { NameRegex = new System.Text.RegularExpressions.Regex("^Cancel order") });
        var href = await cancel.GetAttributeAsync("href");
        await cancel.FocusAsync();

        await BuyAsync(saleId, buyers: 1);
        await Expect(rows).ToHaveCountAsync(2, new() { Timeout = 40_000 });
        Assert.Equal(href, await page.EvaluateAsync<string?>("document.activeElement.getAttribute('href')"));
        Assert.True(await page.EvaluateAsync<bool>("document.activeElement.closest('[data-part=latest-orders]') !== null"), "the focus is in the new part");
    }

    private static async Task<HttpResponseMessage> StreamAsync(HttpClient http, string saleId)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/sales/{saleId}/events");
        request.Headers.Accept.ParseAdd("text/event-stream");
        return await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
    }

    private async Task BuyAsync(string saleId, int buyers)
    {
        foreach (var buyer in await fixture.Admin.MintBuyersAsync(buyers))
        {
            using var bought = await fixture.Admin.WithToken(buyer.Token).PurchaseAsync(saleId);
            await Api.EnsureAsync(bought, HttpStatusCode.Created);
        }
    }

    private async Task<string> CreateSaleAsync(int stock, string productName = "Test product") =>
        (await fixture.Admin.CreateSaleAsync(stock, productName: productName))["id"]!.GetValue<string>();

    private async Task<IPage> AdminPageAsync()
    {
        var page = await fixture.NewPageAsync();
        await Pages.SignInAsync(page, "admin", TestApp.AdminPassword);
        return page;
    }

    private static ILocator Row(IPage page, string saleId) => page.Locator($"tr[data-sale='{saleId}']");
}
