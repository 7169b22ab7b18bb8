using System.Net;
using FlashSale.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace FlashSale.BrowserTests;

/// <summary>
/// The sale page's live stock comes back after a refused stream. A browser reconnects a dropped stream by itself but
/// gives up for good when an attempt is answered with anything but a stream; here the answer is the per-client cap's
/// 429 (a 503 while a store is down is the same to the browser), on a server of its own whose cap is one stream.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class LiveReconnectTests(BrowserFixture fixture)
{
    [Fact]
    public async Task AStreamRefusedOnce_IsOpenedAgain_AndTheStockMovesOnThePage()
    {
        await using var app = new TestApp(realSocket: true, settings: new Dictionary<string, string?> { ["Live:MaxStreamsPerClient"] = "1" });
        var http = app.CreateClient();
        var admin = await Api.AsAdminAsync(http);
        var saleId = (await admin.CreateSaleAsync(stock: 5))["id"]!.GetValue<string>();
        var holder = await SseClient.ConnectAsync(http, saleId);

        // The page's own stream is refused: the one this address may hold is taken.
        await using var context = await fixture.Browser.NewContextAsync(new() { BaseURL = http.BaseAddress!.ToString() });
        var page = await context.NewPageAsync();
        await page.GotoAsync($"/sales/{saleId}");
        await Expect(Pages.Remaining(page)).ToHaveTextAsync("5");
        await Task.Delay(500);
        await holder.DisposeAsync();

        using (var bought = await admin.WithToken((await admin.MintBuyersAsync(1))[0].Token).PurchaseAsync(saleId))
        {
            Assert.Equal(HttpStatusCode.Created, bought.StatusCode);
        }

        // Reopened after 2 s: the snapshot (or the change) shows the unit sold. Before, the page kept showing 5.
        await Expect(Pages.Remaining(page)).ToHaveTextAsync("4", new() { Timeout = 15_000 });
    }
}
