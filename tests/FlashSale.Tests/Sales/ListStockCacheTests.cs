using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using FlashSale.Sales;
using FlashSale.Tests.Admin;
using FlashSale.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace FlashSale.Tests.Sales;

public sealed class ListStockCacheOnRedis() : ListStockCacheTests(StorageKind.Redis, ManualClock.OnAWholeMillisecond());

/// <summary>
/// Distributed: the public list's stock is kept per instance for <c>Sales:ListStockMaxAge</c> (1 s by default, ListStockCache): a
/// purchase shows in the list only once that has passed, while a sale's own endpoints and the admin list show it at
/// once. What the request's clock decides is never kept: the status and <c>serverTime</c>. Neither is the set of sales:
/// the store's, at every request. The server's clock is a test's, frozen unless a test moves it.
/// </summary>
public abstract class ListStockCacheTests(StorageKind kind, ManualClock clock)
    : AdminAppTest(new TestApp(kind: kind, clock: clock, settings: new Dictionary<string, string?> { ["RateLimiting:Enabled"] = "false" }))
{
    private static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(1); // the default

    private readonly ManualClock _clock = clock;

    [Fact]
    public async Task WithinTheMaxAge_APurchaseLeavesTheListsStock_TheSalesOwnEndpointsShowIt_AndTheListOnceItHasPassed()
    {
        var now = _clock.GetUtcNow();
        var sale = (await Admin.CreateSaleAsync(stock: 10, startsAt: now.AddMinutes(-1), endsAt: now.AddHours(1))).Id();
        Assert.Equal(10, (await ListedAsync(sale))!.Int("remainingStock"));

        await BuyAsync(sale);

        var listed = (await ListedAsync(sale))!;
        Assert.Equal(10, listed.Int("remainingStock"));
        Assert.Equal(0, listed.Int("sold"));
        Assert.Equal(9, (await Admin.GetJsonAsync($"/api/v1/sales/{sale}")).Int("remainingStock"));
        Assert.Equal(9, (await Admin.StockAsync(sale)).Int("remainingStock"));
        var adminListed = (await Admin.GetJsonAsync("/api/v1/admin/sales"))["items"]!.AsArray().Single(s => s!.AsObject().Id() == sale);
        Assert.Equal(9, adminListed.Int("remainingStock")); // the admin list is exact

        _clock.Advance(MaxAge - TimeSpan.FromMilliseconds(1));
        Assert.Equal(10, (await ListedAsync(sale))!.Int("remainingStock"));

        _clock.Advance(TimeSpan.FromMilliseconds(1));
        listed = (await ListedAsync(sale))!;
        Assert.Equal(9, listed.Int("remainingStock"));
        Assert.Equal(1, listed.Int("sold"));
    }

    /// <summary>
    /// The home page's cards show the stock the list they then poll shows, from the same kept read: every buyer lands on
    /// the home page when a sale opens (a page a request read every sale's stock from Redis before).
    /// </summary>
    [Fact]
    public async Task TheHomePagesCards_ShowTheListsKeptStock_UntilTheMaxAgeHasPassed()
    {
        var now = _clock.GetUtcNow();
        var sale = (await Admin.CreateSaleAsync(stock: 10, startsAt: now.AddMinutes(-1), endsAt: now.AddHours(1))).Id();
        Assert.Equal(10, await CardRemainingAsync(sale));

        await BuyAsync(sale);

        Assert.Equal(10, await CardRemainingAsync(sale));
        Assert.Equal(10, (await ListedAsync(sale))!.Int("remainingStock")); // one kept read for both
        Assert.Equal(9, (await Admin.StockAsync(sale)).Int("remainingStock"));

        _clock.Advance(MaxAge);
        Assert.Equal(9, await CardRemainingAsync(sale));
    }

    [Fact]
    public async Task ASaleStartingWhileItsStockIsKept_IsListedActiveAtOnce_WithTheRequestsServerTime()
    {
        var now = _clock.GetUtcNow();
        var startsAt = now.AddMilliseconds(500);
        var sale = (await Admin.CreateSaleAsync(stock: 10, startsAt: startsAt, endsAt: now.AddHours(1))).Id();
        var before = await ListAsync("");
        Assert.Equal("upcoming", Item(before, sale)!["status"]!.GetValue<string>());
        Assert.Equal(now, ServerTime(before));

        _clock.Set(startsAt);
        await BuyAsync(sale); // sold at the start: the list, still on the stock read before, shows 10 left

        var after = await ListAsync("");
        var listed = Item(after, sale)!;
        Assert.Equal("active", listed["status"]!.GetValue<string>());
        Assert.Equal(10, listed.Int("remainingStock"));
        Assert.Equal(startsAt, ServerTime(after));
        Assert.Equal(startsAt, DateTimeOffset.Parse(listed["serverTime"]!.GetValue<string>(), CultureInfo.InvariantCulture));
        // The filter is this request's too.
        Assert.NotNull(Item(await ListAsync("?status=active"), sale));
        Assert.Null(Item(await ListAsync("?status=upcoming"), sale));
    }

    [Fact]
    public async Task SalesCreatedChangedOrDeletedWhileStockIsKept_AreListedAsTheStoreHasThem()
    {
        var now = _clock.GetUtcNow();
        var first = (await Admin.CreateSaleAsync(stock: 10, startsAt: now.AddMinutes(-1), endsAt: now.AddHours(1))).Id();
        var upcoming = (await Admin.CreateSaleAsync(stock: 10, startsAt: now.AddHours(1), endsAt: now.AddHours(2))).Id();
        Assert.NotNull(await ListedAsync(first));
        Assert.Equal(10, (await ListedAsync(upcoming))!.Int("totalStock"));

        var created = (await Admin.CreateSaleAsync(stock: 7, startsAt: now.AddMinutes(-1), endsAt: now.AddHours(1))).Id();
        using (var cut = await Admin.PatchJsonAsync($"/api/v1/admin/sales/{upcoming}", """{"totalStock":4}"""))
        {
            await Api.EnsureAsync(cut, HttpStatusCode.OK);
        }

        Assert.Equal(7, (await ListedAsync(created))!.Int("remainingStock"));
        // The stock kept for the old total is not shown against the new one (4 of 4, never 10 of 4).
        var changed = (await ListedAsync(upcoming))!;
        Assert.Equal(4, changed.Int("totalStock"));
        Assert.Equal(4, changed.Int("remainingStock"));

        using (var deleted = await Admin.SendAsync(HttpMethod.Delete, $"/api/v1/admin/sales/{created}"))
        {
            Assert.True(deleted.IsSuccessStatusCode, $"delete answered {(int)deleted.StatusCode}");
        }

        Assert.Null(await ListedAsync(created));
        Assert.NotNull(await ListedAsync(first));

        // What is kept is bounded: once the max age has passed, the next read drops the deleted sale's stock.
        var cache = App.Services.GetRequiredService<ListStockCache>();
        Assert.Equal(3, cache.Count);
        _clock.Advance(MaxAge);
        Assert.NotNull(await ListedAsync(first));
        Assert.Equal(2, cache.Count);
    }

    private async Task BuyAsync(string sale)
    {
        var buyer = (await Admin.MintBuyersAsync(1))[0];
        using var bought = await Admin.WithToken(buyer.Token).PurchaseAsync(sale);
        await Api.EnsureAsync(bought, HttpStatusCode.Created);
    }

    private Task<JsonObject> ListAsync(string query) => Admin.Anonymous().GetJsonAsync($"/api/v1/sales{query}");

    private Task<int> CardRemainingAsync(string sale) => HomePage.CardRemainingAsync(App, sale);

    private async Task<JsonObject?> ListedAsync(string sale) => Item(await ListAsync(""), sale);

    private static JsonObject? Item(JsonObject list, string sale) =>
        list["items"]!.AsArray().Select(s => s!.AsObject()).SingleOrDefault(s => s.Id() == sale);

    private static DateTimeOffset ServerTime(JsonObject list) =>
        DateTimeOffset.Parse(list["serverTime"]!.GetValue<string>(), CultureInfo.InvariantCulture);
}

/// <summary><c>Sales:ListStockMaxAge</c> 0: the list reads the stock at every request, exact like a sale's own endpoints.</summary>
public sealed class ListStockUncachedTests() : ListStockExactTests(StorageKind.Redis, new() { ["Sales:ListStockMaxAge"] = "00:00:00" });

/// <summary>
/// Embedded, whatever the setting: its ledger's stock is in memory, and keeping it made the list slower (39.6k/s
/// uncached against 33.6k/s cached, bench/reads.sh), so the list reads it at every request.
/// </summary>
public sealed class ListStockOnEmbeddedTests() : ListStockExactTests(StorageKind.Embedded, []);

/// <summary>A list whose stock is read at every request, exact like a sale's own endpoints, and nothing kept.</summary>
public abstract class ListStockExactTests(StorageKind kind, Dictionary<string, string?> settings)
    : AdminAppTest(new TestApp(kind: kind, clock: ManualClock.OnAWholeMillisecond(), settings: settings))
{
    [Fact]
    public async Task TheListIsExactAtEveryRequest()
    {
        var (sale, _, _) = await Admin.SaleWithOrdersAsync(stock: 10, buyers: 1);
        Assert.Equal(9, await RemainingAsync(sale));

        var buyer = (await Admin.MintBuyersAsync(1))[0];
        using (var bought = await Admin.WithToken(buyer.Token).PurchaseAsync(sale))
        {
            await Api.EnsureAsync(bought, HttpStatusCode.Created);
        }

        Assert.Equal(8, await RemainingAsync(sale));
        Assert.Equal(8, await HomePage.CardRemainingAsync(App, sale)); // the home page's cards too
        Assert.Equal(0, App.Services.GetRequiredService<ListStockCache>().Count);
    }

    private async Task<int> RemainingAsync(string sale) => (await Admin.Anonymous().GetJsonAsync("/api/v1/sales"))["items"]!.AsArray()
        .Single(s => s!.AsObject().Id() == sale).Int("remainingStock");
}

/// <summary>A setting outside 0 to a minute stops the start, naming it.</summary>
public sealed class ListStockMaxAgeSettingTests
{
    [Theory]
    [InlineData("-00:00:01")]
    [InlineData("00:01:00.001")]
    public async Task OutsideZeroToAMinute_StopsTheStart(string maxAge)
    {
        await using var app = new TestApp(settings: new Dictionary<string, string?> { ["Sales:ListStockMaxAge"] = maxAge });

        var error = Assert.ThrowsAny<Exception>(() => app.CreateClient());

        Assert.Contains("Sales:ListStockMaxAge must be from 00:00:00", Messages(error), StringComparison.Ordinal);
    }

    private static string Messages(Exception error) => error is AggregateException all
        ? string.Join(" | ", all.InnerExceptions.Select(Messages))
        : error.Message + (error.InnerException is { } inner ? " | " + Messages(inner) : "");
}

/// <summary>The home page's card of a sale, as a buyer's browser first gets it.</summary>
internal static class HomePage
{
    /// <summary>The units its stock bar says are left.</summary>
    public static async Task<int> CardRemainingAsync(TestApp app, string sale)
    {
        var page = await app.CreateClient().GetStringAsync("/");
        var bar = Regex.Match(page, $"id=\"bar-{sale}\" max=\"\\d+\" value=\"(\\d+)\"");
        Assert.True(bar.Success, $"no stock bar for sale {sale} on the home page");
        return int.Parse(bar.Groups[1].Value, CultureInfo.InvariantCulture);
    }
}
