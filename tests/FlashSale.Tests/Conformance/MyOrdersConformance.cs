using System.Net;
using FlashSale.Tests.Admin;
using FlashSale.Tests.Infrastructure;

namespace FlashSale.Tests.Conformance;

public sealed class MyOrdersOnEmbedded() : MyOrdersConformance(StorageKind.Embedded);

public sealed class MyOrdersOnRedis() : MyOrdersConformance(StorageKind.Redis);

/// <summary>A buyer's own orders, newest first, a page at a time; the cursor is one of their orders and nobody else's.</summary>
public abstract class MyOrdersConformance(StorageKind kind) : AdminAppTest(new TestApp(kind: kind))
{
    [Fact]
    public async Task Pages_CoverEveryOrderOnce_NewestFirst()
    {
        var saleId = (await Admin.CreateSaleAsync(stock: 20, perUserLimit: 10))["id"]!.GetValue<string>();
        var buyer = Admin.WithToken((await Admin.MintBuyersAsync(1))[0].Token);
        var bought = new List<string>();
        for (var i = 0; i < 7; i++)
        {
            using var response = await buyer.PurchaseAsync(saleId);
            await Api.EnsureAsync(response, HttpStatusCode.Created);
            bought.Add((await response.ReadJsonAsync())["orderId"]!.GetValue<string>());
        }

        var pages = new List<List<string>>();
        string? cursor = null;
        do
        {
            var page = await buyer.GetJsonAsync("/api/v1/me/orders?limit=3" + (cursor is null ? "" : $"&cursor={cursor}"));
            pages.Add(page["items"]!.AsArray().Select(o => o!["orderId"]!.GetValue<string>()).ToList());
            cursor = page["nextCursor"]?.GetValue<string>();
            Assert.True(pages.Count < 10, "the cursor does not advance");
        }
        while (cursor is not null);

        Assert.Equal([3, 3, 1], pages.Select(p => p.Count));
        Assert.Equal(Enumerable.Reverse(bought), pages.SelectMany(p => p));
        Assert.Equal(Enumerable.Reverse(bought), (await buyer.GetJsonAsync("/api/v1/me/orders"))["items"]!.AsArray()
            .Select(o => o!["orderId"]!.GetValue<string>()));
    }

    [Fact]
    public async Task ACursorThatIsNotTheCallersOrder_Is400_LikeAMalformedOne()
    {
        var saleId = (await Admin.CreateSaleAsync(stock: 5))["id"]!.GetValue<string>();
        var buyers = await Admin.MintBuyersAsync(2);
        var (alice, mallory) = (Admin.WithToken(buyers[0].Token), Admin.WithToken(buyers[1].Token));
        using var bought = await alice.PurchaseAsync(saleId);
        await Api.EnsureAsync(bought, HttpStatusCode.Created);
        var alicesOrder = (await bought.ReadJsonAsync())["orderId"]!.GetValue<string>();

        foreach (var query in new[] { $"cursor={alicesOrder}", $"cursor={Guid.NewGuid()}", "cursor=not-an-order", "limit=0", "limit=1001" })
        {
            using var response = await mallory.GetAsync("/api/v1/me/orders?" + query);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("validation_failed", await Api.ReasonAsync(response));
        }

        // Her own order as the cursor: the page after it, empty (it is her only one).
        var after = await alice.GetJsonAsync($"/api/v1/me/orders?cursor={alicesOrder}");
        Assert.Empty(after["items"]!.AsArray());
        Assert.Null(after["nextCursor"]);
    }
}
