using System.Net;
using FlashSale.Tests.Infrastructure;
using FlashSale.Web;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace FlashSale.BrowserTests;

/// <summary>
/// The dashboard's record parts while the shop runs, without a reload: which sales its table lists (a sale created or
/// deleted elsewhere) and the figures (revenue, orders), read again from the record (<c>GET /admin/live</c>).
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class DashboardLiveTests(BrowserFixture fixture) : IAsyncLifetime
{
    // The record's parts are read every 15 s (sooner when the list, every 5 s, shows units moved): within two reads.
    private static readonly LocatorAssertionsToHaveTextOptions Soon = new() { Timeout = 40_000 };

    private const string Paused = "Live updates paused — reconnecting…";

    internal const string SignedOut = "Signed out — sign in again to resume live updates.";

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => fixture.CloseContextsAsync();

    [Fact]
    public async Task ASaleCreatedElsewhere_IsDrawnInThePagesOrder_AndADeletedOne_ReadsRemoved()
    {
        var now = DateTimeOffset.UtcNow;
        // Named for this test, and the page searched for that name: the server is shared, and whatever other tests leave
        // (live sales come first, then upcoming ones soonest first, then ended ones) no other sale comes between these.
        var tag = "dash-live-" + Guid.NewGuid().ToString("N")[..8];
        var older = await CreateSaleAsync(now.AddDays(30), now.AddDays(31), tag);
        // Ended when the page is drawn, so the list the rows follow does not have it: only the record's parts tell.
        var ended = await CreateSaleAsync(now.AddMinutes(-1), now.AddHours(1), tag);
        await Api.EnsureAsync(await fixture.Admin.SendAsync(HttpMethod.Post, $"/api/v1/admin/sales/{ended}/end"), HttpStatusCode.OK);
        var page = await AdminPageAsync();
        await page.GotoAsync("/admin?q=" + tag);
        await Expect(Row(page, older).Locator("[data-role=status]")).ToHaveTextAsync("Upcoming");
        await Expect(Row(page, ended).Locator("[data-role=status]")).ToHaveTextAsync("Ended");

        // Opening an hour sooner than the other upcoming one: drawn above it.
        var created = await CreateSaleAsync(now.AddDays(30).AddHours(-1), now.AddDays(31), tag);
        await Api.EnsureAsync(await fixture.Admin.SendAsync(HttpMethod.Delete, $"/api/v1/admin/sales/{ended}"), HttpStatusCode.NoContent);

        // Before, a sale created in another tab appeared only with a reload, and a deleted ended sale kept its row.
        await Expect(Row(page, created).Locator("[data-role=status]")).ToHaveTextAsync("Upcoming", Soon);
        Assert.True(await page.EvaluateAsync<bool>(
            "([a, b]) => !!(document.querySelector(`tr[data-row='${a}']`).compareDocumentPosition(document.querySelector(`tr[data-row='${b}']`)) & Node.DOCUMENT_POSITION_FOLLOWING)",
            new[] { created, older }), "the sooner sale's row is drawn above the later one's, as the page orders them");
        // The filters' counts are a live part too: three sales had the name, two upcoming.
        await Expect(page.Locator(".filters a", new() { HasText = "Upcoming" })).ToHaveTextAsync("Upcoming 2", Soon);
        await Expect(Row(page, created).Locator("[data-action=end]")).ToBeVisibleAsync();
        await Expect(Row(page, created).Locator("[data-action=delete]")).ToBeVisibleAsync();
        await Expect(Row(page, ended).Locator("[data-role=status]")).ToHaveTextAsync("Removed", Soon);
        await Expect(Row(page, ended).Locator("[data-action=end]")).ToHaveCountAsync(0);
        await Expect(Row(page, ended).Locator("[data-action=delete]")).ToBeHiddenAsync();

        // The new row follows the list as the rows drawn with the page do (its stock), and the record (its name, which
        // the search still finds).
        using (var edited = await fixture.Admin.SendAsync(HttpMethod.Patch, $"/api/v1/admin/sales/{created}",
            System.Net.Http.Json.JsonContent.Create(new { productName = tag + " renamed elsewhere", totalStock = 7 })))
        {
            await Api.EnsureAsync(edited, HttpStatusCode.OK);
        }

        await Expect(Row(page, created).Locator("td[data-label=Sold]")).ToHaveTextAsync("0 / 7", Soon);
        await Expect(Row(page, created).Locator("td[data-label=Product] a")).ToHaveTextAsync(tag + " renamed elsewhere", Soon);
        await Expect(page.Locator(".dashboard [data-role=live]")).ToHaveTextAsync("");
    }

    [Fact]
    public async Task ARowPushedToTheOlderPage_LeavesTheTable_AndThePagerComes()
    {
        // A server of its own: fifty newer sales would push every other test's rows off the first page.
        await using var app = new TestApp(realSocket: true);
        var http = app.CreateClient();
        var admin = await Api.AsAdminAsync(http);
        var now = DateTimeOffset.UtcNow;
        var ids = new List<string>();
        for (var i = 0; i < DashboardData.SalesPerPage; i++)
        {
            ids.Add((await admin.CreateSaleAsync(stock: 5, startsAt: now.AddMinutes(-1 - i), endsAt: now.AddHours(1)))["id"]!.GetValue<string>());
        }

        await using var context = await fixture.Browser.NewContextAsync(new() { BaseURL = http.BaseAddress!.ToString() });
        context.SetDefaultTimeout(30_000);
        var page = await context.NewPageAsync();
        await Pages.SignInAsync(page, "admin", TestApp.AdminPassword);
        await page.GotoAsync("/admin");
        var oldest = Row(page, ids[^1]);
        await Expect(oldest.Locator("[data-role=status]")).ToHaveTextAsync("On sale");
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Next page →" })).ToHaveCountAsync(0);

        var newest = (await admin.CreateSaleAsync(stock: 5, startsAt: now, endsAt: now.AddHours(1)))["id"]!.GetValue<string>();

        // The oldest sale is on the next page now: it leaves this one (not "Removed": it still exists), as a reload shows.
        await Expect(Row(page, newest).Locator("[data-role=status]")).ToHaveTextAsync("On sale", Soon);
        await Expect(oldest).ToHaveCountAsync(0, new() { Timeout = 15_000 });
        await Expect(page.Locator("tr[data-row]")).ToHaveCountAsync(DashboardData.SalesPerPage);
        Assert.Equal(newest, await page.Locator("tr[data-row]").First.GetAttributeAsync("data-row"));
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Next page →" })).ToBeVisibleAsync();
        await Expect(page.Locator(".gone")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task APurchaseMadeElsewhere_ShowsInRevenueAndOrders_SoonAfterTheUnitsMove()
    {
        var saleId = await CreateSaleAsync(DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddHours(1));
        var page = await AdminPageAsync();
        var recorded = page.Locator("[data-role=recorded]");
        // Right after a read of the record, so the next one by the clock is 15 s away.
        await page.RunAndWaitForResponseAsync(() => page.GotoAsync("/admin"), r => r.Url.Contains("/admin/live", StringComparison.Ordinal),
            new() { Timeout = 30_000 });
        var drawnAt = await recorded.GetAttributeAsync("datetime");

        var stats = await BuyAsync(saleId);

        // Before, revenue and orders stayed as drawn until a reload. The list shows the unit within 5 s and the record is
        // read at once: well before the next read by the clock.
        var orders = Format.Number(stats["totals"]!["orders"]!.GetValue<long>());
        await Expect(page.Locator("[data-kpi=orders]")).ToHaveTextAsync(orders, new() { Timeout = 11_000 });
        await Expect(page.Locator("[data-kpi=revenue]")).ToHaveTextAsync(Revenue(stats));
        await Expect(page.Locator("[data-kpi=units]")).ToHaveTextAsync(Format.Number(stats["totals"]!["units"]!.GetValue<long>()));
        await Expect(recorded).Not.ToHaveAttributeAsync("datetime", drawnAt!);
        await Expect(page.Locator("[data-role=live]")).ToHaveTextAsync("");
    }

    [Fact]
    public async Task ARecordThatCannotBeRead_SaysPaused_UntilItIsBack()
    {
        var page = await AdminPageAsync();
        await page.RouteAsync("**/admin/live**", route => route.FulfillAsync(new()
        {
            Status = 503, ContentType = "application/problem+json", Body = """{"status":503,"reason":"unavailable"}""",
        }));
        await page.GotoAsync("/admin");
        var note = page.Locator(".dashboard [data-role=live]");
        await Expect(note).ToHaveTextAsync("");

        // Before, nothing read the record again; now a refused read says so, even while the list is answered.
        await Expect(note).ToHaveTextAsync(Paused, Soon);
        await page.UnrouteAllAsync();

        // The next read (30 s after the first failure) is answered.
        await Expect(note).ToHaveTextAsync("", new() { Timeout = 60_000 });
    }

    [Fact]
    public async Task AHiddenDashboard_ReadsNothing_AndReadsAtOnceWhenSeen()
    {
        var page = await AdminPageAsync();
        var reads = 0;
        page.Request += (_, request) => reads += request.Url.Contains("/admin/live", StringComparison.Ordinal) ? 1 : 0;
        await page.GotoAsync("/admin");
        await Pages.SetHiddenAsync(page, true);
        var before = reads;
        // Two reads' time: a page that read on while hidden would have read twice.
        await Task.Delay(32_000);
        Assert.InRange(reads - before, 0, 1); // at most the one already due when the page was hidden

        var read = page.WaitForRequestAsync(r => r.Url.Contains("/admin/live", StringComparison.Ordinal), new() { Timeout = 5_000 });
        await Pages.SetHiddenAsync(page, false);
        await read;
    }

    [Fact]
    public async Task ASignedOutSession_SaysSo_WithALinkBackThroughTheSignIn_AndReadsNoMore()
    {
        var page = await AdminPageAsync();
        var reads = 0;
        page.Request += (_, request) => reads += request.Url.Contains("/admin/live", StringComparison.Ordinal) ? 1 : 0;
        await page.GotoAsync("/admin");
        var note = page.Locator(".dashboard [data-role=live]");
        await Expect(note).ToHaveTextAsync("");

        // Signed out in another tab: the cookie both share is gone, so the next read is sent to the sign-in page.
        await SignOutInAnotherTabAsync(page);

        // Before, the page said "Live updates paused — reconnecting…" and asked again forever, though no read could succeed.
        await Expect(note).ToHaveTextAsync(SignedOut, Soon);
        var link = note.GetByRole(AriaRole.Link, new() { Name = "sign in again" });
        await Expect(link).ToHaveAttributeAsync("href", "/login?returnUrl=%2Fadmin");
        Assert.EndsWith("/admin", page.Url, StringComparison.Ordinal); // the page did not leave by itself
        var asked = reads;
        // Past the wait after a failure (30 s): a page that still retried would have read again.
        await Task.Delay(35_000);
        Assert.Equal(asked, reads);
        await Expect(note).ToHaveTextAsync(SignedOut);

        // The link signs in and comes back to the dashboard.
        await link.ClickAsync();
        await page.GetByLabel("Username").FillAsync("admin");
        await page.GetByLabel("Password").FillAsync(TestApp.AdminPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/admin");
    }

    [Fact]
    public async Task AReadRefused403_SaysTheAccountMayNotRead_NotPaused()
    {
        var page = await AdminPageAsync();
        await page.RouteAsync("**/admin/live**", route => route.FulfillAsync(new()
        {
            Status = 403, ContentType = "application/problem+json", Body = """{"status":403,"reason":"forbidden"}""",
        }));
        await page.GotoAsync("/admin?m=saved");
        var note = page.Locator(".dashboard [data-role=live]");

        await Expect(note).ToHaveTextAsync("Not allowed for this account — sign in as an admin to resume live updates.", Soon);
        // The page's own message (m) is not carried back through the sign-in.
        await Expect(note.GetByRole(AriaRole.Link, new() { Name = "sign in as an admin" })).ToHaveAttributeAsync("href", "/login?returnUrl=%2Fadmin");
    }

    /// <summary>Another tab of the same browser signs out: the sign-in cookie the page's reads carry is deleted.</summary>
    internal static async Task SignOutInAnotherTabAsync(IPage page)
    {
        var other = await page.Context.NewPageAsync();
        await other.GotoAsync("/orders");
        await other.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Expect(other.GetByRole(AriaRole.Link, new() { Name = "Sign in", Exact = true })).ToBeVisibleAsync();
        await other.CloseAsync();
    }

    private static string Revenue(System.Text.Json.Nodes.JsonObject stats) => string.Join(" + ",
        stats["totals"]!["revenue"]!.AsArray().Select(r => Format.Money(r!["amount"]!.GetValue<decimal>(), r["currency"]!.GetValue<string>())));

    /// <summary>One unit bought by a new buyer; the admin stats after it.</summary>
    private async Task<System.Text.Json.Nodes.JsonObject> BuyAsync(string saleId)
    {
        using var bought = await fixture.Admin.WithToken((await fixture.Admin.MintBuyersAsync(1))[0].Token).PurchaseAsync(saleId);
        await Api.EnsureAsync(bought, HttpStatusCode.Created);
        return await fixture.Admin.GetJsonAsync("/api/v1/admin/stats");
    }

    /// <summary>A sale of 5; named <paramref name="name"/>, the dashboard's search finds it.</summary>
    private async Task<string> CreateSaleAsync(DateTimeOffset startsAt, DateTimeOffset endsAt, string name = "Test product") =>
        (await fixture.Admin.CreateSaleAsync(stock: 5, startsAt: startsAt, endsAt: endsAt, productName: name))["id"]!.GetValue<string>();

    private async Task<IPage> AdminPageAsync()
    {
        var page = await fixture.NewPageAsync();
        await Pages.SignInAsync(page, "admin", TestApp.AdminPassword);
        return page;
    }

    private static ILocator Row(IPage page, string saleId) => page.Locator($"tr[data-row='{saleId}']");
}
