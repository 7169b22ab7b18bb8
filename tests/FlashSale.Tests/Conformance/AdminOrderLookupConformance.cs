using System.Net;
using FlashSale.Tests.Admin;
using FlashSale.Tests.Infrastructure;

namespace FlashSale.Tests.Conformance;

public sealed class AdminOrderLookupOnEmbedded() : AdminOrderLookupConformance(StorageKind.Embedded);

public sealed class AdminOrderLookupOnRedis() : AdminOrderLookupConformance(StorageKind.Redis);

/// <summary>
/// What support looks up: one order by its id, and one buyer's orders across every sale (by user id, or by an account's
/// username), newest first, a page at a time. Reads only; nothing of another buyer in a buyer's list.
/// </summary>
public abstract class AdminOrderLookupConformance(StorageKind kind) : AdminAppTest(new TestApp(kind: kind))
{
    [Fact]
    public async Task ABuyersOrders_AcrossSales_NewestFirst_InPages_AndNobodyElses()
    {
        var first = (await Admin.CreateSaleAsync(stock: 10, perUserLimit: 5)).Id();
        var second = (await Admin.CreateSaleAsync(stock: 10, perUserLimit: 5)).Id();
        var buyers = await Admin.MintBuyersAsync(2);
        var (alice, bob) = (Admin.WithToken(buyers[0].Token), Admin.WithToken(buyers[1].Token));
        var bought = new List<string>
        {
            await alice.BoughtAsync(first, key: "alice-1"),
            await alice.BoughtAsync(second, key: "alice-2", quantity: 2),
            await alice.BoughtAsync(first),
        };
        await bob.BoughtAsync(first);

        var pages = new List<List<string>>();
        string? cursor = null;
        do
        {
            var page = await Admin.GetJsonAsync($"/api/v1/admin/orders?userId={buyers[0].UserId}&limit=2"
                + (cursor is null ? "" : $"&cursor={cursor}"));
            var items = page["items"]!.AsArray().Select(o => o!.AsObject()).ToList();
            Assert.All(items, o => Assert.Equal(buyers[0].UserId, o["userId"]!.GetValue<string>()));
            pages.Add(items.Select(o => o["orderId"]!.GetValue<string>()).ToList());
            cursor = page["nextCursor"]?.GetValue<string>();
            Assert.True(pages.Count < 5, "the cursor does not advance");
        }
        while (cursor is not null);

        Assert.Equal([2, 1], pages.Select(p => p.Count));
        Assert.Equal(Enumerable.Reverse(bought), pages.SelectMany(p => p));

        var all = (await Admin.GetJsonAsync($"/api/v1/admin/orders?userId={buyers[0].UserId}"))["items"]!.AsArray();
        var keyed = all.Single(o => o!["orderId"]!.GetValue<string>() == bought[1])!;
        Assert.Equal(second, keyed["saleId"]!.GetValue<string>());
        Assert.Equal(2, keyed["quantity"]!.GetValue<int>());
        Assert.Equal("alice-2", keyed["idempotencyKey"]!.GetValue<string>());
    }

    [Fact]
    public async Task OneOrder_OfAnyBuyer_ById()
    {
        var sale = (await Admin.CreateSaleAsync(stock: 5)).Id();
        var buyer = (await Admin.MintBuyersAsync(1))[0];
        var orderId = await Admin.WithToken(buyer.Token).BoughtAsync(sale, key: "k-1");

        var order = await Admin.GetJsonAsync($"/api/v1/admin/orders/{orderId}");
        Assert.Equal(orderId, order["orderId"]!.GetValue<string>());
        Assert.Equal(sale, order["saleId"]!.GetValue<string>());
        Assert.Equal(buyer.UserId, order["userId"]!.GetValue<string>());
        Assert.Equal("k-1", order["idempotencyKey"]!.GetValue<string>());
        Assert.Equal("confirmed", order["status"]!.GetValue<string>());

        foreach (var id in new[] { Guid.NewGuid().ToString(), "not-an-order" })
        {
            await Api.ExpectProblemAsync(Admin.GetAsync($"/api/v1/admin/orders/{id}"), HttpStatusCode.NotFound, "order_not_found");
        }
    }

    [Fact]
    public async Task ByUsername_AnAccountsOrders_IgnoringCase_AndAnUnknownUsernameIs404()
    {
        var sale = (await Admin.CreateSaleAsync(stock: 5)).Id();
        var username = $"support-{Guid.NewGuid():N}"[..20];
        using (var registered = await Admin.Anonymous().PostAsJsonAsync("/api/v1/accounts", new { username, password = "a buyer's password" }))
        {
            await Api.EnsureAsync(registered, HttpStatusCode.Created);
        }

        var buyer = Admin.WithToken(await Admin.Anonymous().TokenAsync(username, "a buyer's password"));
        var orderId = await buyer.BoughtAsync(sale);

        var page = await Admin.GetJsonAsync($"/api/v1/admin/orders?username={username.ToUpperInvariant()}");
        var order = Assert.Single(page["items"]!.AsArray())!;
        Assert.Equal(orderId, order["orderId"]!.GetValue<string>());
        Assert.Equal(username, order["username"]!.GetValue<string>());
        Assert.Null(page["nextCursor"]);

        await Api.ExpectProblemAsync(Admin.GetAsync("/api/v1/admin/orders?username=nobody-has-this-name"),
            HttpStatusCode.NotFound, "not_found");
        // A name no account can have, a NUL in it too (PostgreSQL refuses one in text): not found, never a 500.
        foreach (var impossible in new[] { "a%00", "has space", new string('n', 40) })
        {
            await Api.ExpectProblemAsync(Admin.GetAsync($"/api/v1/admin/orders?username={impossible}"), HttpStatusCode.NotFound, "not_found");
        }

        // One field left blank is the other one asked for.
        var both = await Admin.GetJsonAsync($"/api/v1/admin/orders?userId=&username={username}");
        Assert.Equal(orderId, both["items"]![0]!["orderId"]!.GetValue<string>());
    }

    [Fact]
    public async Task BadQueries_Are400()
    {
        var sale = (await Admin.CreateSaleAsync(stock: 5)).Id();
        var buyers = await Admin.MintBuyersAsync(2);
        var othersOrder = await Admin.WithToken(buyers[1].Token).BoughtAsync(sale);
        var user = buyers[0].UserId;

        foreach (var query in new[]
                 {
                     "", $"userId={user}&username=someone", "userId=", "userId=&username=", $"userId={new string('x', 300)}",
                     // PostgreSQL refuses a NUL in text: it must never get there (a 500 in distributed mode until 2026-12-07).
                     "userId=%00", "userId=a%0Ab",
                     $"userId={user}&limit=0", $"userId={user}&limit=1001", $"userId={user}&cursor=not-a-cursor",
                     // Another buyer's order is no cursor of this one's list.
                     $"userId={user}&cursor={othersOrder}",
                 })
        {
            await Api.ExpectProblemAsync(Admin.GetAsync("/api/v1/admin/orders?" + query), HttpStatusCode.BadRequest, "validation_failed");
        }
    }
}
