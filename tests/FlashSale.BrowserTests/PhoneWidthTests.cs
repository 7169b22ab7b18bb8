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

    [Fact]
    public async Task TheStackedTables_KeepEachCellTogether_WithinThePhonesWidth()
    {
        // On a phone a table's rows stack into label / value lines. Laid out as flex boxes, every child of a cell was an
        // item of its own: the dashboard's "0 / 20" spread across the row, and a badge, a price or a window ran past the
        // cell's edge, cut off by the table's scroll box ("UPCOMIN", "549.00 US"); the page itself did not widen, so the
        // test above passed.
        var saleId = (await fixture.Admin.CreateSaleAsync(stock: 20))["id"]!.GetValue<string>();
        using (var bought = await fixture.Admin.WithToken((await fixture.Admin.MintBuyersAsync(1))[0].Token).PurchaseAsync(saleId))
        {
            await Api.EnsureAsync(bought, HttpStatusCode.Created);
        }

        var admin = await fixture.NewPageAsync(width: 375, height: 800);
        await Pages.SignInAsync(admin, "admin", TestApp.AdminPassword);
        foreach (var path in new[] { "/admin", $"/admin/sales/{saleId}" })
        {
            await admin.GotoAsync(path);
            // A cell wider than its row, or a table wider than the box it scrolls in (its far side cut off on a phone).
            var overflowing = await admin.EvaluateAsync<string[]>(
                "() => Array.from(document.querySelectorAll('.table.responsive td')).filter(td => td.scrollWidth > td.clientWidth + 1)" +
                ".map(td => td.dataset.label + ': ' + td.textContent.replace(/\\s+/g, ' ').trim() + ' (' + td.scrollWidth + ' of ' + td.clientWidth + ' px)')" +
                ".concat(Array.from(document.querySelectorAll('.table.responsive')).map(t => t.parentElement)" +
                ".filter(box => box.scrollWidth > box.clientWidth + 1).map(box => 'a table ' + box.scrollWidth + ' px wide in ' + box.clientWidth))");
            Assert.True(overflowing.Length == 0, $"{path}: cells wider than the phone gives them: " + string.Join("; ", overflowing));
        }

        await admin.GotoAsync("/admin");
        // "1 / 20" reads as one value: the total just after the units sold, not at the far end of the row.
        var gap = await admin.EvaluateAsync<double>(
            "id => { const row = document.querySelector('tr[data-row=\"' + id + '\"]');" +
            " return row.querySelector('[data-role=total]').getBoundingClientRect().left - row.querySelector('[data-role=sold]').getBoundingClientRect().right; }",
            saleId);
        Assert.InRange(gap, 0, 24);
    }

    [Fact]
    public async Task TheCharts_OnAPhone_HaveLabelsLargeEnoughToRead_InsideTheChart()
    {
        // Drawn 640 units wide, a chart shows at half size on a phone: its labels were ~5 px high, and moved into the plot
        // at a readable size, the top one and the stock line's ran off the chart's top edge.
        // A currency of its own: each currency's revenue chart sums every sale of the day in it (AdminTests reads MWK's).
        var saleId = (await fixture.Admin.CreateSaleAsync(stock: 10, price: 12345m, currency: "KRW"))["id"]!.GetValue<string>();
        foreach (var buyer in await fixture.Admin.MintBuyersAsync(3))
        {
            using var bought = await fixture.Admin.WithToken(buyer.Token).PurchaseAsync(saleId);
            await Api.EnsureAsync(bought, HttpStatusCode.Created);
        }

        var admin = await fixture.NewPageAsync(width: 375, height: 800);
        await Pages.SignInAsync(admin, "admin", TestApp.AdminPassword);
        foreach (var (path, chart) in new[] { ($"/admin/sales/{saleId}", "#sellout-chart"), ("/admin", "#revenue-chart-krw") })
        {
            await admin.GotoAsync(path);
            var labels = await admin.EvaluateAsync<string[]>(
                "chart => { const svg = document.querySelector(chart), box = svg.getBoundingClientRect();" +
                " return Array.from(svg.querySelectorAll('text')).filter(t => getComputedStyle(t).display !== 'none').map(t => {" +
                " const r = t.getBoundingClientRect(); const inside = r.left >= box.left - 1 && r.right <= box.right + 1 && r.top >= box.top - 1 && r.bottom <= box.bottom + 1;" +
                " return t.textContent + ' ' + Math.round(r.height) + 'px' + (inside ? '' : ' outside'); }); }", chart);
            Assert.NotEmpty(labels);
            Assert.All(labels, label =>
            {
                Assert.DoesNotContain("outside", label, StringComparison.Ordinal);
                Assert.True(int.Parse(label[(label.LastIndexOf(' ') + 1)..^2], System.Globalization.CultureInfo.InvariantCulture) >= 9,
                    $"{path}: '{label}' is too small to read");
            });
        }
    }
}
