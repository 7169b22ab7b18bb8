using System.Net;
using System.Text.Json.Nodes;
using FlashSale.Sales;
using FlashSale.Tests.Admin;
using FlashSale.Tests.Infrastructure;

namespace FlashSale.Tests.Conformance;

public sealed class StatsAndLeaderboardOnEmbedded() : StatsAndLeaderboardConformance(StorageKind.Embedded);

public sealed class StatsAndLeaderboardOnRedis() : StatsAndLeaderboardConformance(StorageKind.Redis);

/// <summary>Stats and the leaderboard agree with an independent count over the orders after a concurrent burst.</summary>
public abstract class StatsAndLeaderboardConformance(StorageKind kind) : AdminAppTest(new TestApp(realSocket: true, kind: kind))
{
    [Fact]
    public async Task AfterAConcurrentBurstAndCancels_StatsMatchTheOrders()
    {
        var a = (await Admin.CreateSaleAsync(stock: 20, price: 10m)).Id();
        var b = (await Admin.CreateSaleAsync(stock: 15, perUserLimit: 2, price: 25.5m)).Id();
        var c = (await Admin.CreateSaleAsync(stock: 500, price: 3m)).Id();
        var untouched = (await Admin.CreateSaleAsync(stock: 5, price: 1m)).Id();
        var buyers = await Admin.MintBuyersAsync(60);
        var random = new Random(20261124);
        var plan = buyers.SelectMany(buyer => new[] { (buyer, a, 1), (buyer, b, random.Next(1, 3)) }
            .Concat(random.Next(3) == 0 ? [(buyer, c, 1)] : [])).OrderBy(_ => random.Next()).ToList();

        using var gate = new SemaphoreSlim(32);
        var results = await Task.WhenAll(plan.Select(async p =>
        {
            await gate.WaitAsync();
            try
            {
                using var response = await Admin.WithToken(p.buyer.Token).PurchaseAsync(p.Item2, p.Item3);
                return response.StatusCode;
            }
            finally
            {
                gate.Release();
            }
        }));
        Assert.DoesNotContain(results, s => (int)s >= 500);
        foreach (var order in (await Admin.AllOrdersAsync(a)).Take(2))
        {
            using var cancelled = await Admin.PostEmptyAsync($"/api/v1/admin/orders/{order["orderId"]!.GetValue<string>()}/cancel");
            Assert.Equal(HttpStatusCode.OK, cancelled.StatusCode);
        }

        // And one order of two units: a cancel takes its quantity and its quantity × price out of the totals, not one unit's.
        var twoUnits = (await Admin.AllOrdersAsync(b)).First(o => o["quantity"]!.GetValue<int>() == 2);
        using (var cancelled = await Admin.PostEmptyAsync($"/api/v1/admin/orders/{twoUnits["orderId"]!.GetValue<string>()}/cancel"))
        {
            Assert.Equal(HttpStatusCode.OK, cancelled.StatusCode);
        }

        var orders = new Dictionary<string, List<JsonObject>>();
        foreach (var id in new[] { a, b, c, untouched })
        {
            orders[id] = (await Admin.AllOrdersAsync(id)).Where(o => o["status"]!.GetValue<string>() == "confirmed").ToList();
        }

        var all = orders.Values.SelectMany(o => o).ToList();
        var stats = await Admin.GetJsonAsync("/api/v1/admin/stats");

        var totals = stats["totals"]!;
        Assert.Equal([("USD", all.Sum(o => o["total"]!.GetValue<decimal>()))], Amounts(totals["revenue"]));
        Assert.Equal(all.Sum(o => o["quantity"]!.GetValue<int>()), totals["units"]!.GetValue<long>());
        Assert.Equal(all.Count, totals["orders"]!.GetValue<long>());
        Assert.Equal(all.Select(o => o["userId"]!.GetValue<string>()).Distinct().Count(), totals["uniqueBuyers"]!.GetValue<long>());

        var perSale = stats["sales"]!.AsArray().ToDictionary(s => s!["saleId"]!.GetValue<string>(), s => s!);
        foreach (var (id, confirmed) in orders)
        {
            var line = perSale[id];
            var total = line.Int("totalStock");
            var sold = confirmed.Sum(o => o["quantity"]!.GetValue<int>());
            Assert.Equal(sold, line.Int("sold"));
            Assert.Equal(total - sold, line.Int("remaining"));
            Assert.Equal(decimal.Floor(sold * 10_000m / total) / 100m, line["sellThroughPercent"]!.GetValue<decimal>());
            Assert.Equal(confirmed.Sum(o => o["total"]!.GetValue<decimal>()), line["revenue"]!.GetValue<decimal>());
            Assert.Equal(confirmed.Count, line.Int("orders"));
            var stock = await Admin.StockAsync(id);
            Assert.Equal(stock.Int("sold"), sold);   // the ledger agrees with the record
            if (sold == total)
            {
                var last = confirmed.Max(o => o["purchasedAt"]!.GetValue<DateTimeOffset>());
                Assert.Equal(last, line["soldOutAt"]!.GetValue<DateTimeOffset>());
                Assert.Equal((last - line["startsAt"]!.GetValue<DateTimeOffset>()).TotalSeconds,
                    line["timeToSellOutSeconds"]!.GetValue<double>(), 3);
            }
            else
            {
                Assert.Null(line["soldOutAt"]);
                Assert.Null(line["timeToSellOutSeconds"]);
            }
        }

        Assert.Equal(13, perSale[b].Int("sold"));   // 60 buyers want 15 units: B sells out; one order of 2 cancelled
        Assert.Equal(18, perSale[a].Int("sold"));   // 20 sold, 2 cancelled

        var expectedByUnits = orders.Where(o => o.Value.Count > 0)
            .Select(o => (Id: o.Key, Units: o.Value.Sum(x => x["quantity"]!.GetValue<int>()), Revenue: o.Value.Sum(x => x["total"]!.GetValue<decimal>())))
            .ToList();
        var byUnits = stats["topProducts"]!["byUnits"]!.AsArray().Select(p => p!["saleId"]!.GetValue<string>()).ToList();
        var ranking = Assert.Single(stats["topProducts"]!["byRevenue"]!.AsArray())!;
        Assert.Equal("USD", ranking["currency"]!.GetValue<string>());
        var byRevenue = ranking["products"]!.AsArray().Select(p => p!["saleId"]!.GetValue<string>()).ToList();
        Assert.Equal(expectedByUnits.OrderByDescending(s => s.Units).Select(s => s.Id), byUnits);
        Assert.Equal(expectedByUnits.OrderByDescending(s => s.Revenue).ThenByDescending(s => s.Units).Select(s => s.Id), byRevenue);
        Assert.DoesNotContain(untouched, byUnits);

        var days = stats["revenueByDay"]!.AsArray();
        Assert.Equal(7, days.Count);
        Assert.Equal(DateOnly.FromDateTime(stats["serverTime"]!.GetValue<DateTimeOffset>().UtcDateTime),
            DateOnly.Parse(days[^1]!["date"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(Amounts(totals["revenue"]), days.SelectMany(d => Amounts(d!["revenue"])).GroupBy(a => a.Currency)
            .Select(g => (g.Key, g.Sum(a => a.Amount))));
        Assert.Equal(all.Count, days.Sum(d => d!["orders"]!.GetValue<long>()));

        var leaderboard = await Admin.Anonymous().GetJsonAsync($"/api/v1/sales/{b}/leaderboard?limit=100");
        var entries = leaderboard["items"]!.AsArray();
        Assert.Equal(orders[b].Count, entries.Count);
        for (var i = 0; i < entries.Count; i++)
        {
            Assert.Equal(i + 1, entries[i].Int("rank"));
            Assert.Equal(NameMask.Mask(orders[b][i]["username"]!.GetValue<string>()), entries[i]!["buyer"]!.GetValue<string>());
            Assert.Equal(orders[b][i]["quantity"]!.GetValue<int>(), entries[i].Int("quantity"));
            Assert.Equal(orders[b][i]["purchasedAt"]!.GetValue<DateTimeOffset>(), entries[i]!["purchasedAt"]!.GetValue<DateTimeOffset>());
        }

        var top = await Admin.Anonymous().GetJsonAsync($"/api/v1/sales/{a}/leaderboard");
        Assert.Equal(orders[a].Take(10).Select(o => NameMask.Mask(o["username"]!.GetValue<string>())),
            top["items"]!.AsArray().Select(e => e!["buyer"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Stats_OnAnEmptyShop_AreZeros()
    {
        var stats = await Admin.GetJsonAsync("/api/v1/admin/stats");

        Assert.Equal(0, stats["totals"]!["orders"]!.GetValue<long>());
        Assert.Empty(stats["totals"]!["revenue"]!.AsArray());
        Assert.Empty(stats["topProducts"]!["byRevenue"]!.AsArray());
        Assert.All(stats["revenueByDay"]!.AsArray(), d => Assert.Empty(d!["revenue"]!.AsArray()));
        Assert.Empty(stats["topProducts"]!["byUnits"]!.AsArray());
        Assert.Equal(7, stats["revenueByDay"]!.AsArray().Count);
    }

    [Fact]
    public async Task Stats_InTwoCurrencies_NeverAddThemTogether()
    {
        // The demo's sales are in dollars and the drill's in euros: the audit saw 6,016.99 USD + 999.00 EUR drawn as one $7,015.99 bar.
        var dollars = (await Admin.CreateSaleAsync(stock: 10, perUserLimit: 5, price: 30m, currency: "USD")).Id();
        var euros = (await Admin.CreateSaleAsync(stock: 10, perUserLimit: 5, price: 999m, currency: "EUR")).Id();
        var small = (await Admin.CreateSaleAsync(stock: 10, perUserLimit: 5, price: 1m, currency: "EUR")).Id();
        var buyer = (await Admin.MintBuyersAsync(1))[0];
        foreach (var (sale, quantity) in new[] { (dollars, 3), (euros, 1), (small, 5) })
        {
            using var response = await Admin.WithToken(buyer.Token).PurchaseAsync(sale, quantity);
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        }

        var stats = await Admin.GetJsonAsync("/api/v1/admin/stats");

        Assert.Equal([("EUR", 1004m), ("USD", 90m)], Amounts(stats["totals"]!["revenue"]));
        Assert.Equal(9, stats["totals"]!["units"]!.GetValue<long>());
        var today = stats["revenueByDay"]!.AsArray()[^1]!;
        Assert.Equal([("EUR", 1004m), ("USD", 90m)], Amounts(today["revenue"]));
        Assert.Equal(3, today["orders"]!.GetValue<long>());
        // Revenue is ranked within a currency: 90 USD is not "less" than 1,004 EUR or "more" than 5 EUR.
        var rankings = stats["topProducts"]!["byRevenue"]!.AsArray();
        Assert.Equal(["EUR", "USD"], rankings.Select(r => r!["currency"]!.GetValue<string>()));
        Assert.Equal([(1, euros), (2, small)], Ranked(rankings[0]!));
        Assert.Equal([(1, dollars)], Ranked(rankings[1]!));
        Assert.All(rankings, r => Assert.All(r!["products"]!.AsArray(),
            p => Assert.Equal(r["currency"]!.GetValue<string>(), p!["currency"]!.GetValue<string>())));
        // Units do compare across currencies.
        Assert.Equal([small, dollars, euros], stats["topProducts"]!["byUnits"]!.AsArray().Select(p => p!["saleId"]!.GetValue<string>()));
    }

    [Fact]
    public async Task SellThrough_IsRoundedDown_InTheApiAndOnThePage_So100MeansSoldOut()
    {
        // 19,999 of 20,000: 99.995 %, which rounded to two decimals read 100.00 in the API and to one 100 on the page.
        var almost = (await Admin.CreateSaleAsync(stock: 20_000, perUserLimit: 1000)).Id();
        var buyers = await Admin.MintBuyersAsync(20);
        for (var i = 0; i < buyers.Count; i++)
        {
            using var response = await Admin.WithToken(buyers[i].Token).PurchaseAsync(almost, i == 0 ? 999 : 1000);
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        }

        var line = (await Admin.GetJsonAsync("/api/v1/admin/stats"))["sales"]!.AsArray().Single(s => s!["saleId"]!.GetValue<string>() == almost)!;
        using var page = await Admin.GetAsync($"/admin/sales/{almost}");
        var html = await page.Content.ReadAsStringAsync();

        Assert.Equal(1, line.Int("remaining"));
        Assert.Equal(99.99m, line["sellThroughPercent"]!.GetValue<decimal>());
        Assert.Contains("""data-kpi="sell-through">99.9 %""", html, StringComparison.Ordinal);
    }

    private static List<(string Currency, decimal Amount)> Amounts(JsonNode? amounts) =>
        amounts!.AsArray().Select(a => (a!["currency"]!.GetValue<string>(), a["amount"]!.GetValue<decimal>())).ToList();

    private static List<(int Rank, string SaleId)> Ranked(JsonNode ranking) =>
        ranking["products"]!.AsArray().Select(p => (p.Int("rank"), p!["saleId"]!.GetValue<string>())).ToList();

    [Theory]
    [InlineData("limit=0")]
    [InlineData("limit=101")]
    [InlineData("limit=ten")]
    public async Task Leaderboard_LimitOutOfRange_Is400(string query)
    {
        var saleId = (await Admin.CreateSaleAsync(stock: 5)).Id();

        using var response = await Admin.Anonymous().GetAsync($"/api/v1/sales/{saleId}/leaderboard?{query}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Leaderboard_UnknownSale_Is404()
    {
        using var response = await Admin.Anonymous().GetAsync($"/api/v1/sales/{Guid.NewGuid()}/leaderboard");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("sale_not_found", await Api.ReasonAsync(response));
    }

    [Theory]
    [InlineData("alice", "al***e")]
    [InlineData("synthetic-1a2b3c4d", "sy***d")]
    [InlineData("anna", "a***a")]
    [InlineData("bob", "b***")]
    [InlineData("jo", "j***")]
    [InlineData("x", "x***")]
    [InlineData("", "***")]
    [InlineData("  zoë  ", "z***")]
    public void NameMask_ShowsLittle_AndNeverTheLength(string name, string masked) =>
        Assert.Equal(masked, NameMask.Mask(name));
}
